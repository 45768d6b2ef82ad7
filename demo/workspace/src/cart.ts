import type { Cents } from './money.js';

export interface CartLine {
  sku: string;
  name: string;
  unitPrice: Cents;
  quantity: number;
}

export class Cart {
  private readonly lines = new Map<string, CartLine>();

  add(line: Omit<CartLine, 'quantity'>, quantity = 1): void {
    if (!Number.isInteger(quantity) || quantity <= 0) throw new RangeError(`quantity must be a positive whole number, got ${quantity}`);
    const existing = this.lines.get(line.sku);
    this.lines.set(line.sku, { ...line, quantity: (existing?.quantity ?? 0) + quantity });
  }

  remove(sku: string, quantity = Infinity): void {
    const existing = this.lines.get(sku);
    if (!existing) return;
    const left = existing.quantity - quantity;
    if (left > 0) this.lines.set(sku, { ...existing, quantity: left });
    else this.lines.delete(sku);
  }

  items(): CartLine[] {
    return [...this.lines.values()];
  }

  subtotal(): Cents {
    return this.items().reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
  }
}
