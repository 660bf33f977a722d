/** Gluon's activation names, apart from their functions so that a command line can list them without loading tfjs. */
export const ACTIVATION_NAMES = ['relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'] as const;

export type ActivationName = (typeof ACTIVATION_NAMES)[number];
