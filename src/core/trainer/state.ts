/**
 * Saving and loading a Trainer's optimizer state (gluon.Trainer.save_states / load_states) in the
 * bundle format of `io/bundle.ts`: one array per state tensor, named `<param key>.<i>` (momentum is
 * `.0`; Adam's mean and variance are `.0` and `.1`), plus each parameter's update count.
 */
import { tf } from '../backend/tf.js';
import { ModelMismatchError } from '../errors.js';
import { quote } from '../quote.js';
import type { NamedArray } from '../io/bundle.js';
import { adapter } from '../platform.js';

/** What the Trainer keeps per parameter, as this module sees it. */
export interface StateSlot {
  readonly key: string;
  readonly param: { readonly shape: readonly number[] };
  state: tf.Tensor[];
  updates: number;
}

/** What a trainer-states manifest adds to the bundle header. */
export interface TrainerStatesMeta {
  optimizer: string;
  learningRate: number;
  /** Gluon's num_update (absent in states saved before learning-rate schedules). */
  numUpdate?: number;
  /** The lrScheduler's state, null without one (absent in older states). */
  scheduler?: number[] | null;
  slots: { key: string; updates: number; states: number }[];
}

/** The Trainer-wide fields of a states manifest. */
export type TrainerStatesHead = Omit<TrainerStatesMeta, 'slots'>;

/** The optimizer state of `slots` as named arrays and the manifest fields describing them. */
export function stateArrays(
  head: TrainerStatesHead,
  slots: readonly StateSlot[],
): { meta: TrainerStatesMeta; arrays: NamedArray[] } {
  const arrays: NamedArray[] = slots.flatMap((slot) =>
    slot.state.map((t, i) => ({ name: `${slot.key}.${i}`, shape: t.shape, data: Float32Array.from(t.dataSync()) })),
  );
  const meta: TrainerStatesMeta = {
    ...head,
    slots: slots.map((s) => ({ key: s.key, updates: s.updates, states: s.state.length })),
  };
  return { meta, arrays };
}

/** Writes the optimizer state of `slots` to directory `path`, atomically. */
export async function saveStates(path: string, head: TrainerStatesHead, slots: readonly StateSlot[]): Promise<void> {
  const { meta, arrays } = stateArrays(head, slots);
  await adapter('bundles', 'saveStates').save(path, 'trainer-states', meta, arrays);
}

/**
 * Replaces the optimizer state of `slots` with the one saved at `path`. The optimizer and the set of
 * parameter keys must match, else `ModelMismatchError` lists the differences and nothing changes.
 * Returns the manifest.
 */
export async function loadStates(
  path: string,
  optimizer: string,
  slots: readonly StateSlot[],
): Promise<TrainerStatesMeta> {
  const { manifest, arrays } = await adapter('bundles', 'loadStates').load<TrainerStatesMeta>(path, 'trainer-states');
  return applyStates(path, manifest, arrays, optimizer, slots);
}

/** `loadStates` from arrays already read (`path` names their source in errors). Returns the manifest. */
export function applyStates(
  path: string,
  manifest: TrainerStatesMeta,
  arrays: ReadonlyMap<string, NamedArray>,
  optimizer: string,
  slots: readonly StateSlot[],
): TrainerStatesMeta {
  const problems: string[] = [];
  if (manifest.optimizer !== optimizer)
    problems.push(`it was saved by optimizer ${quote(manifest.optimizer)}, this Trainer uses '${optimizer}'`);
  const saved = new Map(manifest.slots.map((s) => [s.key, s]));
  for (const slot of slots) if (!saved.has(slot.key)) problems.push(`'${slot.key}' has no saved state`);
  for (const key of saved.keys())
    if (!slots.some((s) => s.key === key))
      problems.push(`the file has state for ${quote(key)}, which this Trainer does not update`);
  for (const s of manifest.slots) {
    const expected = slots.find((slot) => slot.key === s.key)?.param.shape;
    for (let i = 0; i < s.states; i++) {
      const a = arrays.get(`${s.key}.${i}`);
      if (a === undefined) problems.push(`array ${quote(`${s.key}.${i}`)} is missing`);
      else if (expected !== undefined && a.shape.join() !== expected.join()) {
        problems.push(
          `state ${quote(`${s.key}.${i}`)} has shape ${quote(a.shape)} in the file but the parameter is [${expected}]`,
        );
      }
    }
  }
  if (problems.length > 0) throw new ModelMismatchError(path, problems);
  for (const slot of slots) {
    const entry = saved.get(slot.key);
    if (entry === undefined) continue;
    tf.dispose(slot.state);
    slot.state = Array.from({ length: entry.states }, (_, i) => {
      const a = arrays.get(`${slot.key}.${i}`) as NamedArray;
      return tf.tensor(a.data, [...a.shape], 'float32');
    });
    slot.updates = entry.updates;
  }
  return manifest;
}
