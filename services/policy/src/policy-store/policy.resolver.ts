import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ALL_ROLES, CurrentPrincipal, ReadAccess, RequestId, Role, WriteAccess, type Principal } from '@gatehouse/shared';
import { PolicyDiff } from '../policy-diff/policy-diff.model';
import { ActivatePolicyVersionInput, EvaluatePolicyInput, PublishPolicyVersionInput } from './dto/policy.inputs';
import { Policy, PolicyConnection, PolicyEvaluation, PolicyVersion, PublishedPolicyVersion } from './policy.model';
import { PolicyService } from './policy.service';

/** PolicyResolver exposes policies, their versions and activations, diffs and dry-run evaluation. */
@Resolver(() => Policy)
export class PolicyResolver {
  constructor(private readonly service: PolicyService) {}

  @ReadAccess(...ALL_ROLES)
  @Query(() => PolicyConnection, { description: 'Policies by name, a page at a time.' })
  policies(
    @Args('first', { type: () => Int, nullable: true, description: 'Page size, 1 to 100 (default 20).' }) first?: number,
    @Args('after', { nullable: true, description: 'The endCursor of the previous page.' }) after?: string,
  ): Promise<PolicyConnection> {
    return this.service.list(first, after);
  }

  @ReadAccess(...ALL_ROLES)
  @Query(() => Policy, { description: 'One policy by name; NOT_FOUND when there is none.' })
  policy(@Args('name') name: string): Promise<Policy> {
    return this.service.get(name);
  }

  @ReadAccess(...ALL_ROLES)
  @Query(() => PolicyVersion, { description: 'One published version of a policy.' })
  policyVersion(@Args('name') name: string, @Args('version', { type: () => Int }) version: number): Promise<PolicyVersion> {
    return this.service.getVersion(name, version);
  }

  @ReadAccess(...ALL_ROLES)
  @Query(() => PolicyDiff, { description: 'What changed between two versions of a policy, rule by rule.' })
  diffPolicyVersions(
    @Args('name') name: string,
    @Args('from', { type: () => Int }) from: number,
    @Args('to', { type: () => Int }) to: number,
  ): Promise<PolicyDiff> {
    return this.service.diff(name, from, to);
  }

  @ReadAccess(...ALL_ROLES)
  @Query(() => PolicyEvaluation, { description: 'Decides on one input document with one version (default: the latest) and explains every rule; stores nothing.' })
  evaluatePolicy(@Args('input') input: EvaluatePolicyInput): Promise<PolicyEvaluation> {
    return this.service.evaluate(input);
  }

  @WriteAccess(Role.POLICY_AUTHOR)
  @Mutation(() => PublishedPolicyVersion, {
    description: 'Publishes a policy.yaml as an immutable version. The same content again is a no-op; other content under a published version is CONFLICT.',
  })
  publishPolicyVersion(
    @Args('input') input: PublishPolicyVersionInput,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<PublishedPolicyVersion> {
    return this.service.publish(input, principal.actor, requestId);
  }

  @WriteAccess(Role.POLICY_AUTHOR)
  @Mutation(() => PolicyVersion, { description: 'Makes a version govern the named environments (of every application), replacing what governed them.' })
  activatePolicyVersion(
    @Args('input') input: ActivatePolicyVersionInput,
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
  ): Promise<PolicyVersion> {
    return this.service.activate(input, principal.actor, requestId);
  }
}
