import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { recordAuditEvent } from '@gatehouse/audit';
import { ValidationException, isUniqueViolation, type FieldProblem, type Principal } from '@gatehouse/shared';
import { DateTime } from 'luxon';
import { ChangeWindowErrorReason, ChangeWindowException } from './change-window.exception';
import { toChangeWindowModel, type ChangeWindow, type ChangeWindowStatus } from './change-window.model';
import { parseRecurrence, parseWindowDuration } from './change-window.recurrence';
import { ChangeWindowRepository, type ChangeWindowRow, type EnvironmentRef } from './change-window.repository';
import { OUTSIDE_ALLOWED_HOURS, toWindowPolicyInput, windowStateAt, type WindowPolicyInput } from './change-window.state';
import type { CreateChangeWindowInput } from './dto/create-change-window.input';
import type { DeleteChangeWindowInput } from './dto/delete-change-window.input';

/** The most windows one environment may have in force. */
export const MAX_WINDOWS_PER_ENVIRONMENT = 100;

/** ChangeWindowService manages the freezes and allowed hours of environments and says whether one is frozen. */
@Injectable()
export class ChangeWindowService {
  constructor(private readonly windows: ChangeWindowRepository) {}

  async create(input: CreateChangeWindowInput, principal: Principal, requestId: string | null): Promise<ChangeWindow> {
    const recurring = input.rrule != null || input.duration != null;
    const problems: FieldProblem[] = [];
    if (input.name === OUTSIDE_ALLOWED_HOURS) problems.push({ path: 'input.name', message: `is reserved for the state outside allowed hours` });
    if (recurring) {
      if (input.rrule == null) problems.push({ path: 'input.rrule', message: 'is required with a duration' });
      else {
        const { error } = parseRecurrence(input.rrule);
        if (error) problems.push({ path: 'input.rrule', message: error });
      }
      if (input.duration == null) problems.push({ path: 'input.duration', message: 'is required with an rrule' });
      else {
        const { error } = parseWindowDuration(input.duration);
        if (error) problems.push({ path: 'input.duration', message: error });
      }
    } else {
      if (input.start == null) problems.push({ path: 'input.start', message: 'is required for a one-off window (or give rrule and duration)' });
      if (input.end == null) problems.push({ path: 'input.end', message: 'is required for a one-off window (or give rrule and duration)' });
    }
    if (problems.length > 0) throw new ValidationException(problems);

    try {
      return await this.windows.transaction(async (manager) => {
        const environment = requireEnvironment(await this.windows.findEnvironment(input.application, input.environment, manager), input);
        if (environment.archivedAt) {
          throw new ChangeWindowException(
            ChangeWindowErrorReason.APPLICATION_ARCHIVED,
            `Application "${environment.application}" is archived; its windows can no longer be changed.`,
            { application: environment.application },
          );
        }
        const zone = environment.timezone!;
        const start = input.start ?? DateTime.now().setZone(zone).startOf('day').toFormat("yyyy-MM-dd'T'HH:mm:ss");
        checkLocalTimes(start, input.end ?? null, zone);

        const active = await this.windows.active(environment.environmentId!, manager);
        if (active.some((w) => w.name === input.name)) throw nameTaken(input, environment);
        if (active.length >= MAX_WINDOWS_PER_ENVIRONMENT) {
          throw new ChangeWindowException(
            ChangeWindowErrorReason.TOO_MANY_WINDOWS,
            `Environment "${environment.environment}" of "${environment.application}" already has ${MAX_WINDOWS_PER_ENVIRONMENT} windows; delete one first.`,
            { application: environment.application, environment: environment.environment },
          );
        }
        const row = await this.windows.insert(
          {
            environmentId: environment.environmentId!,
            name: input.name,
            kind: input.kind,
            start,
            end: input.end ?? null,
            rrule: recurring ? input.rrule!.trim().replace(/^RRULE:/i, '') : null,
            duration: recurring ? input.duration!.trim() : null,
            reason: input.reason ?? '',
            createdBy: principal.userId,
          },
          manager,
        );
        const window = toChangeWindowModel(row);
        await recordAuditEvent(manager, {
          action: 'change-window.created',
          actor: principal.actor,
          requestId,
          subject: { type: 'change-window', id: window.id },
          application: window.application,
          environment: window.environment,
          data: describe(window),
        });
        return window;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(input, { application: input.application, environment: input.environment });
      throw error;
    }
  }

  async delete(input: DeleteChangeWindowInput, principal: Principal, requestId: string | null): Promise<ChangeWindow> {
    return this.windows.transaction(async (manager) => {
      const row = await this.windows.markDeleted(input.id, principal.userId, manager);
      if (!row) {
        throw new ChangeWindowException(ChangeWindowErrorReason.WINDOW_NOT_FOUND, `No change window in force with id "${input.id}".`, { window: input.id });
      }
      const window = toChangeWindowModel(row);
      await recordAuditEvent(manager, {
        action: 'change-window.deleted',
        actor: principal.actor,
        requestId,
        subject: { type: 'change-window', id: window.id },
        application: window.application,
        environment: window.environment,
        data: describe(window),
      });
      return window;
    });
  }

  /** The windows in force of one environment, by name. */
  async list(application: string, environment: string): Promise<ChangeWindow[]> {
    const ref = requireEnvironment(await this.windows.findEnvironment(application, environment), { application, environment });
    return (await this.windows.active(ref.environmentId!)).map(toChangeWindowModel);
  }

  /** What the windows of one environment say at `at` (default now); feeds the policy input's `window.*`. */
  async stateAt(application: string, environment: string, at: Date = new Date()): Promise<ChangeWindowStatus> {
    const input = await this.policyInputAt(application, environment, at);
    return { at, frozen: input.frozen, name: input.freeze, allowed: input.inChangeWindow, localTime: input.localTime, dayOfWeek: input.dayOfWeek };
  }

  /**
   * The policy input's `window.*` for an environment known by id and time zone (a promotion has
   * both), read without locking anything; pass a transaction's manager to read inside it.
   */
  async policyInputForEnvironment(environmentId: string, timezone: string, at: Date, manager?: EntityManager): Promise<WindowPolicyInput> {
    const windows = await this.windows.active(environmentId, manager);
    return toWindowPolicyInput(windowStateAt(windows, timezone, at), timezone, at);
  }

  /** policyInputForEnvironment() on the windows the caller read (activeWindowsJsonOf) with the rest of what it decides on. */
  policyInputFromWindows(windows: ChangeWindowRow[], timezone: string, at: Date): WindowPolicyInput {
    return toWindowPolicyInput(windowStateAt(windows, timezone, at), timezone, at);
  }

  /** The policy input's `window.*` for one environment at `at`; pass a transaction's manager to read inside it. */
  async policyInputAt(application: string, environment: string, at: Date, manager?: EntityManager): Promise<WindowPolicyInput> {
    const ref = requireEnvironment(await this.windows.findEnvironment(application, environment, manager), { application, environment });
    const windows = await this.windows.active(ref.environmentId!, manager);
    return toWindowPolicyInput(windowStateAt(windows, ref.timezone!, at), ref.timezone!, at);
  }
}

function requireEnvironment(ref: EnvironmentRef | null, input: { application: string; environment: string }): EnvironmentRef {
  if (!ref) {
    throw new ChangeWindowException(ChangeWindowErrorReason.APPLICATION_NOT_FOUND, `No application named "${input.application}".`, {
      application: input.application,
    });
  }
  if (!ref.environmentId) {
    throw new ChangeWindowException(
      ChangeWindowErrorReason.ENVIRONMENT_NOT_FOUND,
      `Application "${ref.application}" has no environment "${input.environment}"; it has ${ref.environments.join(', ')}.`,
      { application: ref.application, environment: input.environment },
    );
  }
  return ref;
}

/** Local times must exist as written (`2026-02-30` does not) and the end must follow the start. */
function checkLocalTimes(start: string, end: string | null, zone: string): void {
  const problems: FieldProblem[] = [];
  const startsAt = DateTime.fromISO(start, { zone });
  const endsAt = end === null ? null : DateTime.fromISO(end, { zone });
  if (!startsAt.isValid) problems.push({ path: 'input.start', message: `is not a date-time that exists (${startsAt.invalidExplanation})` });
  if (endsAt && !endsAt.isValid) problems.push({ path: 'input.end', message: `is not a date-time that exists (${endsAt.invalidExplanation})` });
  if (startsAt.isValid && endsAt?.isValid && endsAt <= startsAt) problems.push({ path: 'input.end', message: 'must be after start' });
  if (problems.length > 0) throw new ValidationException(problems);
}

function nameTaken(input: { name?: string }, where: { application: string | null; environment: string | null }): ChangeWindowException {
  return new ChangeWindowException(
    ChangeWindowErrorReason.WINDOW_NAME_TAKEN,
    `Environment "${where.environment}" of "${where.application}" already has a window named "${input.name}".`,
    { application: where.application, environment: where.environment, name: input.name },
  );
}

function describe(window: ChangeWindow): Record<string, unknown> {
  const { name, kind, start, end, rrule, duration, reason, timezone } = window;
  return { name, kind, start, end, rrule, duration, reason, timezone };
}
