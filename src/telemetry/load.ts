// The only telemetry code a host bundles besides its opt-in check: require dist/telemetry.js by a path
// computed at run time, so esbuild leaves the OpenTelemetry SDK out of dist/extension.js and dist/cli.js.
import { createRequire } from 'node:module';
import type * as TelemetryBundle from './index.js';

export type { TelemetryBundle };

export function loadTelemetryBundle(bundlePath: string): typeof TelemetryBundle {
  return createRequire(bundlePath)(bundlePath) as typeof TelemetryBundle;
}

/** An environment flag's "yes": 1, true, yes or on. */
export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}

/** `TALLY_ENABLE_TELEMETRY=1`: the user's opt-in from the environment (as Claude Code's CLAUDE_CODE_ENABLE_TELEMETRY). */
export function envOptsIn(env: Record<string, string | undefined>): boolean {
  return isTruthy(env.TALLY_ENABLE_TELEMETRY);
}
