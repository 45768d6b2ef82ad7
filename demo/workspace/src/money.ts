/** Money is kept in whole cents so that totals never drift by a fraction. */
export type Cents = number;

export function cents(amount: number): Cents {
  return Math.round(amount * 100);
}

export function formatCents(value: Cents, currency = 'USD'): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(value / 100);
}
