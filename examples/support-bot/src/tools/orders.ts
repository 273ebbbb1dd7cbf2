import { tool } from '@langchain/core/tools';
import pg from 'pg';
import { z } from 'zod';

// Reads orders through the gateway's PostgreSQL listener; the chain never holds the database password.
const pool = new pg.Pool({ connectionString: process.env.ORDERS_DATABASE_URL ?? 'postgres://support-bot@127.0.0.1:15432/test' });

export const lookupOrder = tool(
  async ({ orderId }) => {
    const { rows } = await pool.query('SELECT id, status, total FROM public.orders WHERE id = $1', [orderId]);
    return JSON.stringify(rows[0] ?? null);
  },
  { name: 'lookup_order', description: 'Look up an order by id', schema: z.object({ orderId: z.number() }) },
);

export const refundOrder = tool(
  async ({ orderId }) => {
    // A write on public.refunds: the gateway holds it until a support lead approves.
    await pool.query('INSERT INTO public.refunds (order_id) VALUES ($1)', [orderId]);
    return 'refund requested';
  },
  { name: 'refund_order', description: 'Refund an order', schema: z.object({ orderId: z.number() }) },
);
