import { createHash } from 'node:crypto';
import { canonicalJson } from '@gatehouse/shared';
import type { ChangeContent } from './change.model';
import type { RegisterChangeInput } from './dto/register-change.input';

/** The fields of a change's content, in the order a conflict names them. */
export const CHANGE_CONTENT_FIELDS = [
  'commits',
  'artifactDigest',
  'title',
  'ticket',
  'labels',
  'changedPaths',
  'linesAdded',
  'linesRemoved',
] as const satisfies readonly (keyof ChangeContent)[];

/**
 * The content of a registration, normalised so that equal changes compare equal: labels and
 * changed paths are sets (sorted, without repeats), an omitted ticket is null, commits keep
 * their order (the head first).
 */
export function changeContentOf(input: RegisterChangeInput): ChangeContent {
  return {
    commits: input.commits.map(({ sha, author, message }) => ({ sha, author, message })),
    artifactDigest: input.artifactDigest,
    title: input.title,
    ticket: input.ticket ?? null,
    labels: sortedSet(input.labels ?? []),
    changedPaths: sortedSet(input.changedPaths ?? []),
    linesAdded: input.linesAdded,
    linesRemoved: input.linesRemoved,
  };
}

/** SHA-256 (hex) of the RFC 8785 canonical JSON of the content. */
export function changeContentHash(content: ChangeContent): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** The content fields in which two versions differ, in CHANGE_CONTENT_FIELDS order. */
export function changeContentDifferences(stored: ChangeContent, offered: ChangeContent): string[] {
  return CHANGE_CONTENT_FIELDS.filter((field) => canonicalJson(stored[field]) !== canonicalJson(offered[field]));
}

function sortedSet(values: string[]): string[] {
  // Code-unit order, the same on every machine (no locale).
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
