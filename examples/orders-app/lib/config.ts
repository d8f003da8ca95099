export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

const ACCOUNTS: Record<Stage, string> = {
  dev: '111111111111',
  prod: '222222222222',
};

export function accountFor(stage: Stage): string {
  return ACCOUNTS[stage];
}

export function isProduction(stage: Stage): boolean {
  return stage === 'prod';
}
