import type { Cart } from './cart.js';
import { discountAmount, type Discount } from './discounts.js';
import { formatCents, type Cents } from './money.js';

export interface OrderSummary {
  subtotal: Cents;
  discount: Cents;
  tax: Cents;
  total: Cents;
}

export function summarize(cart: Cart, taxRate: number, discount?: Discount): OrderSummary {
  const subtotal = cart.subtotal();
  const off = discountAmount(subtotal, discount);
  const tax = Math.round((subtotal - off) * taxRate);
  return { subtotal, discount: off, tax, total: subtotal - off + tax };
}

export function receipt(summary: OrderSummary): string {
  return [
    `Subtotal  ${formatCents(summary.subtotal)}`,
    `Discount -${formatCents(summary.discount)}`,
    `Tax       ${formatCents(summary.tax)}`,
    `Total     ${formatCents(summary.total)}`,
  ].join('\n');
}
