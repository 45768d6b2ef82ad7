// GET /v1/models and /v1/models/{id}, as the real API lists models: newest first, paged with
// `limit` (1-1000, default 20), `after_id` and `before_id`. The list is the bundled price table.
import { bundledPriceTable } from '../core/prices/priceTable.js';
import type { ModelInfo } from '../core/prices/schema.js';
import { findModel, RequestRejection } from './prompt.js';

interface ModelObject {
  type: 'model';
  id: string;
  display_name: string;
  created_at: string;
}

const FIRST_LISTED = '2025-01-01T00:00:00Z';

function modelObject(model: ModelInfo): ModelObject {
  const first = model.rates.map((rate) => rate.from).find((from) => from !== null);
  return { type: 'model', id: model.id, display_name: model.displayName, created_at: first ? `${first}T00:00:00Z` : FIRST_LISTED };
}

/** The body for GET /v1/models?query or /v1/models/{id}; throws a RequestRejection as the API would. */
export function modelsResponse(path: string, query: URLSearchParams): unknown {
  if (path !== '/v1/models') {
    const id = decodeURIComponent(path.slice('/v1/models/'.length));
    const model = findModel(id);
    if (!model) throw new RequestRejection(404, 'not_found_error', `model: ${id}`);
    return modelObject(model);
  }
  const limitText = query.get('limit');
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new RequestRejection(400, 'invalid_request_error', 'limit: Input should be between 1 and 1000');
  }
  const all = bundledPriceTable().models.map(modelObject);
  let start = 0;
  let end = all.length;
  const after = query.get('after_id');
  const before = query.get('before_id');
  if (after !== null) start = all.findIndex((model) => model.id === after) + 1;
  if (before !== null)
    end = Math.max(
      0,
      all.findIndex((model) => model.id === before),
    );
  const page =
    before !== null && after === null ? all.slice(Math.max(start, end - limit), end) : all.slice(start, Math.min(end, start + limit));
  const lastIndex = page.length > 0 ? all.indexOf(page.at(-1)!) : -1;
  return {
    data: page,
    has_more: lastIndex !== -1 && lastIndex < all.length - 1,
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
  };
}
