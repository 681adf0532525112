import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import { ErrorCode } from '../errors/error-code';
import { DomainException } from '../errors/domain-exception';

/** The largest page any list returns; larger `first` values are refused, not silently cut. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** PageInfo tells a client whether there is more and where to continue. */
@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor: string | null;
}

/** Declares `XxxConnection` and `XxxEdge` object types for a node type (Relay cursor connections). */
export function Connection<T>(node: Type<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => node)
    node: T;

    @Field()
    cursor: string;
  }

  @ObjectType(`${name}Connection`, { isAbstract: true })
  abstract class ConnectionType {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => Int, { description: 'How many items match, across all pages.' })
    totalCount: number;
  }
  return ConnectionType;
}

/** What a repository needs to read one page: how many, and after which key. */
export interface PageRequest {
  first: number;
  after: string | undefined;
}

class PaginationException extends DomainException<'INVALID_PAGE'> {
  constructor(message: string, path: string) {
    super(ErrorCode.VALIDATION_FAILED, 'INVALID_PAGE', message, { fields: [{ path, message }] });
  }
}

/** Checks `first` and decodes `after`; the cursor is an opaque base64url of the sort key. */
export function pageRequest(first: number | undefined | null, after: string | undefined | null, max = MAX_PAGE_SIZE): PageRequest {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw new PaginationException(`first must be between 1 and ${max}, got ${size}`, 'first');
  }
  if (after === undefined || after === null) return { first: size, after: undefined };
  const key = Buffer.from(after, 'base64url').toString('utf8');
  if (!key || encodeCursor(key) !== after) {
    throw new PaginationException('after is not a cursor returned by this list', 'after');
  }
  return { first: size, after: key };
}

export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/** Builds a connection from rows fetched with `first + 1` (the extra row only says "more"). */
export function toConnection<Row, Node>(
  rows: Row[],
  request: PageRequest,
  totalCount: number,
  keyOf: (row: Row) => string,
  toNode: (row: Row) => Node,
): { edges: { node: Node; cursor: string }[]; pageInfo: PageInfo; totalCount: number } {
  const page = rows.slice(0, request.first);
  const edges = page.map((row) => ({ node: toNode(row), cursor: encodeCursor(keyOf(row)) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > request.first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
