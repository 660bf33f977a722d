/** collectParams returns a ParameterDict: a Map with Gluon's setattr (the book's `setattr('wd_mult', 0)`). */
import { ConfigError } from '../../../src/core/errors.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Parameter } from '../../../src/core/nn/parameter.js';
import { ParameterDict } from '../../../src/core/nn/parameter-dict.js';
import { Sequential } from '../../../src/core/nn/sequential.js';
import { expectError } from '../../helpers.js';

describe('ParameterDict', () => {
  const net = new Sequential().add(new Dense(4, { inUnits: 3 }), new Dense(2, { inUnits: 4 }));
  afterAll(() => net.dispose());

  it('is a Map keyed structurally, and setattr changes only the selected parameters', () => {
    const all = net.collectParams();
    expect(all).toBeInstanceOf(Map);
    expect(all).toBeInstanceOf(ParameterDict);
    expect([...all.keys()]).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    net.collectParams(/.*bias/).setattr('wdMult', 0);
    net.collectParams(/1\./).setattr('lrMult', 0.5);
    expect([...all.values()].map((p) => [p.wdMult, p.lrMult])).toEqual([
      [1, 1],
      [0, 1],
      [1, 0.5],
      [0, 0.5],
    ]);
    net.collectParams(/0\.weight/).setattr('gradReq', 'null');
    expect(all.get('0.weight')?.gradReq).toBe('null');
  });

  it('refuses bad values and unknown attributes, naming them', () => {
    const d = net.collectParams();
    expectError(() => d.setattr('wdMult', -1), ConfigError, /wdMult.*non-negative.*-1/);
    expectError(() => d.setattr('lr' as never, 1), ConfigError, /unknown attribute 'lr'/);
    expectError(() => new Parameter('p', { lrMult: Number.NaN }), ConfigError, /lrMult.*NaN/);
  });
});
