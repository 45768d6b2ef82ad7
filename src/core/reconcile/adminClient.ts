import * as v from 'valibot';
import { ApiError, InputError } from '../errors.js';
import { COST_REPORT_PATH, CostReportSchema, USAGE_REPORT_PATH, UsageReportSchema, type CostReport, type UsageReport } from './adminApi.js';

export const ADMIN_API_VERSION = '2023-06-01';
/** Pages read before giving up: 31 days a page covers years; a loop would mean a broken cursor. */
const MAX_PAGES = 1000;

export interface AdminClientOptions {
  adminKey: string;
  baseUrl?: string;
  fetch?: typeof fetch;
}

export interface ReportRange {
  /** First UTC day, YYYY-MM-DD. */
  since: string;
  /** Last UTC day included, YYYY-MM-DD. */
  until: string;
}

/** Reads the two reports in daily buckets, following next_page to the end. The key is never shown. */
export function createAdminClient(options: AdminClientOptions) {
  const baseUrl = (options.baseUrl ?? 'https://api.anthropic.com').replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;

  async function getPages<T extends { data: unknown[]; has_more: boolean; next_page: string | null }>(
    path: string,
    params: [string, string][],
    schema: v.GenericSchema<unknown, T>,
  ): Promise<T['data']> {
    const data: T['data'] = [];
    let page: string | null = null;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const query = new URLSearchParams(params);
      if (page) query.set('page', page);
      const url = `${baseUrl}${path}?${query}`;
      let response: Response;
      try {
        response = await doFetch(url, { headers: { 'x-api-key': options.adminKey, 'anthropic-version': ADMIN_API_VERSION } });
      } catch (error) {
        throw new ApiError(`cannot reach ${baseUrl}: ${(error as Error).message}`);
      }
      const text = await response.text();
      if (!response.ok) throw failure(response.status, text, path);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ApiError(`${path} answered ${response.status} with a body that is not JSON`);
      }
      const parsed = v.safeParse(schema, body);
      if (!parsed.success) {
        const issue = parsed.issues[0];
        throw new ApiError(`${path} answered in an unexpected shape (${v.getDotPath(issue) ?? 'body'}: ${issue.message})`);
      }
      data.push(...parsed.output.data);
      if (!parsed.output.has_more || !parsed.output.next_page) return data;
      page = parsed.output.next_page;
    }
    throw new ApiError(`${path}: still more pages after ${MAX_PAGES}; the report cursor is not advancing`);
  }

  const window = (range: ReportRange): [string, string][] => [
    ['starting_at', `${range.since}T00:00:00Z`],
    ['ending_at', `${nextDay(range.until)}T00:00:00Z`],
    ['bucket_width', '1d'],
  ];

  return {
    /** Tokens per day, model and API key. */
    usage: (range: ReportRange): Promise<UsageReport['data']> =>
      getPages(
        USAGE_REPORT_PATH,
        [...window(range), ['group_by[]', 'model'], ['group_by[]', 'api_key_id'], ['limit', '31']],
        UsageReportSchema,
      ),
    /** USD per day, model and token type (group_by description). */
    cost: (range: ReportRange): Promise<CostReport['data']> =>
      getPages(COST_REPORT_PATH, [...window(range), ['group_by[]', 'description'], ['limit', '31']], CostReportSchema),
  };
}

export type AdminClient = ReturnType<typeof createAdminClient>;

export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** One line a user can act on; Anthropic's error message is quoted, the key never is. */
function failure(status: number, body: string, path: string): TallyErrorLike {
  let message = '';
  try {
    message = (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? '';
  } catch {
    // Not Anthropic's error shape: say only the status.
  }
  const detail = message ? `: ${message.replace(/sk-ant-[\w-]+/g, '[redacted]')}` : '';
  if (status === 401)
    return new InputError(
      `the Admin API refused the key (401${detail}); reconcile needs an Admin API key (sk-ant-admin…) from Console → Settings → Admin keys`,
    );
  if (status === 403)
    return new InputError(`the key may not read usage and cost reports (403${detail}); it must be an organization Admin API key`);
  return new ApiError(`${path} failed with ${status}${detail}`, status);
}

type TallyErrorLike = InputError | ApiError;
