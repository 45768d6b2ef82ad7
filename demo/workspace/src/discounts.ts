import type { Cents } from './money.js';

export type Discount = { kind: 'percent'; percent: number; code: string } | { kind: 'fixed'; amount: Cents; code: string };

/** The amount a discount takes off a subtotal: never more than the subtotal itself. */
export function discountAmount(subtotal: Cents, discount: Discount | undefined): Cents {
  if (!discount) return 0;
  const off = discount.kind === 'percent' ? (subtotal * discount.percent) / 100 : discount.amount;
  // TODO: percent discounts can give fractions of a cent; decide how to round them.
  return Math.min(subtotal, off);
}
