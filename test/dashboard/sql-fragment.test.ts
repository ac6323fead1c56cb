import { describe, expect, it } from 'vitest';
import { frag, join, param, sql } from '../../dashboard/server/sql-fragment.js';

describe('SQL fragments', () => {
  it('compose text and parameters without touching the parts', () => {
    const where = sql`family = ${param('family', 'UInt8', 4)}`;
    const q = sql`SELECT * FROM (${sql`SELECT 1 FROM t WHERE ${where}`}) WHERE ${where} AND ${'x = 1'} LIMIT ${param('limit', 'UInt32', 5)}`;
    expect(q.sql).toBe('SELECT * FROM (SELECT 1 FROM t WHERE family = {family:UInt8}) WHERE family = {family:UInt8} AND x = 1 LIMIT {limit:UInt32}');
    expect(q.params).toEqual({ family: 4, limit: 5 });
    expect(where.params).toEqual({ family: 4 });
  });

  it('joins, and refuses one name bound to two values', () => {
    expect(join([frag('a', { k: ['x'] }), frag('b', { k: ['x'] }), frag('c')], ' OR ')).toEqual({ sql: 'a OR b OR c', params: { k: ['x'] } });
    expect(join([], ' AND ')).toEqual({ sql: '', params: {} });
    expect(() => sql`${param('a', 'UInt8', 1)} ${param('a', 'UInt8', 2)}`).toThrow('SQL parameter a is bound to two different values');
  });
});
