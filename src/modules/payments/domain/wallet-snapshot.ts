/**
 * A wallet's snapshot: the folded state at one version, kept so that loading a wallet folds only
 * the events after it. A snapshot is a cache of the fold, never a source of truth: whatever it
 * holds, the events stay, and a snapshot this code cannot read is simply not used.
 */
import type { WalletState } from './wallet.ts';

/**
 * The layout of `state` below. Raise it whenever WalletState gains or changes a field: snapshots
 * of another shape are then ignored (the wallet is folded from its first event) and replaced at
 * the next snapshot point, so no migration of old snapshots is ever needed.
 */
export const SNAPSHOT_SHAPE = 1;

/** What is stored: plain JSON, maps as entry lists. */
export interface SnapshotState {
  balanceCents: number;
  charged: [orderId: string, amountCents: number][];
  refunded: [orderId: string, amountCents: number][];
  voided: string[];
}

export interface StoredSnapshot {
  version: number;
  shape: number;
  state: unknown;
}

export function takeSnapshot(wallet: WalletState): { version: number; shape: number; state: SnapshotState } {
  return {
    version: wallet.version,
    shape: SNAPSHOT_SHAPE,
    state: { balanceCents: wallet.balanceCents, charged: [...wallet.charged], refunded: [...wallet.refunded], voided: [...wallet.voided] },
  };
}

/** The wallet the snapshot describes, or undefined when it is of another shape or malformed. */
export function restoreSnapshot(stored: StoredSnapshot): WalletState | undefined {
  if (stored.shape !== SNAPSHOT_SHAPE || !isCount(stored.version)) return undefined;
  const state = stored.state as Partial<SnapshotState> | null;
  if (typeof state !== 'object' || state === null || !Number.isSafeInteger(state.balanceCents)) return undefined;
  if (!isEntries(state.charged) || !isEntries(state.refunded) || !isIds(state.voided)) return undefined;
  return {
    version: stored.version,
    balanceCents: state.balanceCents!,
    charged: new Map(state.charged),
    refunded: new Map(state.refunded),
    voided: new Set(state.voided),
  };
}

/** Whether appending took the stream across a multiple of `every` (a command may append several events). */
export function snapshotDue(before: number, after: number, every: number): boolean {
  return Math.floor(after / every) > Math.floor(before / every);
}

function isCount(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 0;
}

function isEntries(value: unknown): value is [string, number][] {
  return Array.isArray(value) && value.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && Number.isSafeInteger(e[1]));
}

function isIds(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((e) => typeof e === 'string');
}
