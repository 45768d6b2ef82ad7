import * as v from 'valibot';
import { METRICS_EXPORTERS, type TelemetrySettings } from './config.js';

// Pure (no `vscode` import): the glue passes each setting's inspect() result here.

/**
 * `application`/`machine` settings decide whether and where spend data is sent: only the user's own
 * settings count, never a folder's `.vscode/settings.json`. The cost center may differ per repository.
 */
export const TELEMETRY_SETTINGS = {
  enabled: { scope: 'application', schema: v.boolean('must be true or false') },
  exporter: { scope: 'application', schema: v.picklist(METRICS_EXPORTERS, `must be one of ${METRICS_EXPORTERS.join(', ')}`) },
  otlpEndpoint: { scope: 'machine', schema: v.pipe(v.string('must be a URL'), v.trim()) },
  otlpHeaders: {
    scope: 'machine',
    schema: v.record(v.string(), v.string('each header value must be a string'), 'must be an object of header names and values'),
  },
  prometheusPort: {
    scope: 'machine',
    schema: v.pipe(
      v.number('must be a port number'),
      v.integer('must be a whole number'),
      v.minValue(0, 'must be 0 to 65535'),
      v.maxValue(65535, 'must be 0 to 65535'),
    ),
  },
  resourceAttributes: {
    scope: 'application',
    schema: v.record(v.string(), v.string('each attribute value must be a string'), 'must be an object of attribute names and values'),
  },
  team: { scope: 'application', schema: v.pipe(v.string('must be a string'), v.trim()) },
  costCenter: { scope: 'resource', schema: v.pipe(v.string('must be a string'), v.trim()) },
  userEmail: { scope: 'application', schema: v.pipe(v.string('must be a string'), v.trim()) },
} as const;

export type TelemetrySettingKey = keyof typeof TELEMETRY_SETTINGS;
export const TELEMETRY_SETTING_KEYS = Object.keys(TELEMETRY_SETTINGS) as TelemetrySettingKey[];

/** What `WorkspaceConfiguration.inspect(key)` returns, in the fields used here. */
export interface InspectedSetting {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export interface ReadTelemetrySettings {
  settings: TelemetrySettings;
  /** One line each: bad values (ignored) and folder values of user-only settings (ignored). */
  problems: string[];
}

export function readTelemetrySettings(inspect: (key: TelemetrySettingKey) => InspectedSetting | undefined): ReadTelemetrySettings {
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of TELEMETRY_SETTING_KEYS) {
    const { scope, schema } = TELEMETRY_SETTINGS[key];
    const inspected = inspect(key) ?? {};
    const fromFolder = inspected.workspaceFolderValue ?? inspected.workspaceValue;
    let value: unknown;
    if (scope === 'resource') value = fromFolder ?? inspected.globalValue;
    else {
      if (fromFolder !== undefined && fromFolder !== null)
        problems.push(`tally.telemetry.${key}: set by this workspace, ignored (only your user settings decide where spend data goes)`);
      value = inspected.globalValue;
    }
    if (value === undefined || value === null || value === '') continue;
    const parsed = v.safeParse(schema, value);
    if (parsed.success) settings[key] = parsed.output;
    else problems.push(`tally.telemetry.${key}: ${parsed.issues[0].message}; ignored`);
  }
  return { settings: settings as TelemetrySettings, problems };
}
