import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection } from '@gatehouse/shared';
import type { ChangeRow } from './change.repository';

/** Commit is one commit a change was built from. */
@ObjectType()
export class Commit {
  @Field()
  sha: string;

  @Field()
  author: string;

  @Field()
  message: string;
}

/**
 * Change is one immutable version of an application: its commits, artifact, title, ticket,
 * labels and diff. Evidence attaches to it; promotions move it through the pipeline.
 */
@ObjectType()
export class Change {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Application name.' })
  application: string;

  @Field()
  version: string;

  @Field({ description: 'SHA of the head commit, the one the change was built from.' })
  sha: string;

  @Field(() => [Commit], { description: 'In the order registered, the head first.' })
  commits: Commit[];

  @Field()
  artifactDigest: string;

  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  ticket: string | null;

  @Field(() => [String], { description: 'Sorted, without repeats.' })
  labels: string[];

  @Field(() => [String], { description: 'Sorted, without repeats.' })
  changedPaths: string[];

  @Field(() => Int)
  linesAdded: number;

  @Field(() => Int)
  linesRemoved: number;

  @Field({ description: 'SHA-256 (hex) of the canonical JSON of the registered content; equal content, equal hash.' })
  contentHash: string;

  @Field({ description: 'User id of whoever registered the change; they may not approve its promotions.' })
  registeredBy: string;

  @Field(() => Date)
  createdAt: Date;
}

@ObjectType()
export class ChangeConnection extends Connection(Change, 'Change') {}

/** ChangeContent is exactly what the content hash covers, normalised. */
export interface ChangeContent {
  commits: { sha: string; author: string; message: string }[];
  artifactDigest: string;
  title: string;
  ticket: string | null;
  labels: string[];
  changedPaths: string[];
  linesAdded: number;
  linesRemoved: number;
}

export function toChangeModel(row: ChangeRow, commits: Commit[]): Change {
  return {
    id: row.id,
    application: row.application,
    version: row.version,
    sha: commits[0]?.sha ?? '',
    commits,
    artifactDigest: row.artifact_digest,
    title: row.title,
    ticket: row.ticket,
    labels: row.labels,
    changedPaths: row.changed_paths,
    linesAdded: row.lines_added,
    linesRemoved: row.lines_removed,
    contentHash: row.content_hash,
    registeredBy: row.registered_by,
    createdAt: row.created_at,
  };
}
