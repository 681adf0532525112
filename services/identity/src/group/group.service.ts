import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { pageRequest, toConnection, type Principal, isUniqueViolation } from '@gatehouse/shared';
import { recordIdentityEvent } from '../identity-audit';
import { IdentityErrorReason, IdentityException } from '../identity.exception';
import { UserRepository } from '../user/user.repository';
import { userNotFound } from '../user/user.service';
import type { CreateGroupInput, GroupMemberInput } from './dto/group.inputs';
import { toGroupModel, type Group, type GroupConnection } from './group.model';
import { GroupRepository } from './group.repository';


/** GroupService manages groups of people and who belongs to them. */
@Injectable()
export class GroupService {
  constructor(
    private readonly groups: GroupRepository,
    private readonly users: UserRepository,
  ) {}

  async list(first: number | undefined, after: string | undefined): Promise<GroupConnection> {
    const request = pageRequest(first, after);
    const { rows, totalCount } = await this.groups.page(request);
    return toConnection(rows, request, totalCount, (row) => row.name, toGroupModel);
  }

  async get(name: string): Promise<Group> {
    const row = await this.groups.findByName(name);
    if (!row) throw groupNotFound(name);
    return toGroupModel(row);
  }

  /** The groups a user belongs to now (what approval eligibility is decided on). */
  /** The names of the groups a user belongs to; pass a transaction's manager to read inside it. */
  groupsOf(userId: string, manager?: EntityManager): Promise<string[]> {
    return this.groups.groupsOf(userId, manager);
  }

  async create(input: CreateGroupInput, principal: Principal, requestId: string | null): Promise<Group> {
    try {
      return await this.groups.transaction(async (manager) => {
        const row = await this.groups.insert(input.name, input.description ?? '', manager);
        await recordIdentityEvent(manager, principal.actor, requestId, 'group.created', { type: 'group', id: row.id }, { group: row.name });
        return toGroupModel(row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new IdentityException(IdentityErrorReason.GROUP_NAME_TAKEN, `A group named "${input.name}" already exists.`, { group: input.name });
      }
      throw error;
    }
  }

  addMember(input: GroupMemberInput, principal: Principal, requestId: string | null): Promise<Group> {
    return this.changeMembership(input, principal, requestId, 'add');
  }

  removeMember(input: GroupMemberInput, principal: Principal, requestId: string | null): Promise<Group> {
    return this.changeMembership(input, principal, requestId, 'remove');
  }

  private changeMembership(input: GroupMemberInput, principal: Principal, requestId: string | null, change: 'add' | 'remove'): Promise<Group> {
    return this.groups.transaction(async (manager) => {
      const group = await this.groups.findByName(input.group, manager);
      if (!group) throw groupNotFound(input.group);
      const user = await this.users.findByUsername(input.user, manager);
      if (!user) throw userNotFound(input.user);
      if (change === 'add' && !(await this.groups.addMember(group.id, user.id, manager))) {
        throw new IdentityException(IdentityErrorReason.ALREADY_MEMBER, `"${input.user}" is already a member of "${input.group}".`);
      }
      if (change === 'remove' && !(await this.groups.removeMember(group.id, user.id, manager))) {
        throw new IdentityException(IdentityErrorReason.NOT_A_MEMBER, `"${input.user}" is not a member of "${input.group}".`);
      }
      await recordIdentityEvent(
        manager,
        principal.actor,
        requestId,
        change === 'add' ? 'group.member.added' : 'group.member.removed',
        { type: 'group', id: group.id },
        { group: group.name, user: user.username, userId: user.id },
      );
      return toGroupModel((await this.groups.findByName(input.group, manager))!);
    });
  }
}

function groupNotFound(name: string): IdentityException {
  return new IdentityException(IdentityErrorReason.GROUP_NOT_FOUND, `No group named "${name}".`, { group: name });
}
