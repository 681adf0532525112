import type { MigrationClass } from '@gatehouse/shared';
import { CreatePolicySchema1795704428503 } from './migrations/1795704428503-create-policy-schema';
import { CreatePolicyStore1795707602724 } from './migrations/1795707602724-create-policy-store';

export { PolicyModule } from './policy.module';

/** The policy service's migrations, oldest first. */
export const policyMigrations: MigrationClass[] = [CreatePolicySchema1795704428503, CreatePolicyStore1795707602724];

/** The policy service's TypeORM entities. */
export const policyEntities: Function[] = [];

// JSON Logic: compiler (json-logic-js 2.0.5 semantics), interpreter with tracing, validation.
export { compileLogic, logicSource, type CompiledLogic, type CompileLogicOptions } from './logic/logic.compiler';
export { interpretLogic, type LogicTraceStep } from './logic/logic.interpreter';
export { LogicException, LogicExceptionCode, formatLogicPath, type LogicPath } from './logic/logic.exception';
export { validateLogic, DEFAULT_LOGIC_LIMITS, LOGIC_OPERATORS, type LogicLimits, type LogicOperator } from './logic/logic.validator';

// Policy documents: model, schemas, checks, YAML loading with file:line problems, content hash.
export * from './policy-document/policy-document.model';
export { POLICY_SCHEMA, POLICY_TESTS_SCHEMA } from './policy-document/policy.schema';
export { POLICY_INPUT_SCHEMA } from './policy-document/policy-input.schema';
export { checkPolicyDocument, checkPolicyInput, checkPolicyTestsDocument, POLICY_LOGIC_LIMITS } from './policy-document/policy-document.checker';
export { parseYamlSource, loadPolicyFile, loadPolicyDirectory, findPolicyFiles, type LoadedPolicy, type YamlSource } from './policy-document/policy-document.loader';
export { lintPolicyDirectory } from './policy-document/policy-document.linter';
export { canonicalJson, policyContentHash } from './policy-document/policy-content.hash';

// Decisions: compile a policy version once, evaluate it on input documents.
export { compilePolicy, PolicyException, type CompiledPolicy, type CompiledRule } from './decision/compiled-policy';
export { evaluatePolicy, failClosedOutcome, type EvaluatePolicyOptions } from './decision/decision.evaluator';
export type { ApprovalRequirement, Decision, DecisionBasis, DecisionError, MatchedRule, RuleExplanation } from './decision/decision.model';

// Policy tests (tests.yaml beside each policy).
export { runPolicyTests, type PolicyTestReport, type PolicyTestResult, type PolicyTestCaseResult } from './policy-test/policy-test.runner';

// Store and API: versions, activations, GitOps load on start, backtests over stored decision inputs.
export { PolicyService } from './policy-store/policy.service';
export { activeVersionJsonOf, type ActiveVersionRef } from './policy-store/policy.repository';
export { PolicyStoreException, PolicyStoreErrorReason, type DocumentProblem } from './policy-store/policy.exception';
export { PolicySync, type PolicySyncEntry, type PolicySyncReport } from './gitops/policy-sync';
export { diffPolicyDocuments, type PolicyDocumentDiff, type RuleChange } from './policy-diff/policy-diff';
export { recordDecisionInput, readDecisionInput, scanDecisionInputs, inputHash, type DecisionInputRecord, type DecisionInputFilter } from './decision-input/decision-input.store';
export { replayDecisions } from './simulation/simulation.replay';
export { SimulationTally, type SimulationSummary, type StoredDecision, type OutcomeTransition } from './simulation/simulation.tally';
export { JSONScalar } from './policy-store/json.scalar';
export type { PolicyActivation, ActivationListener } from './policy-store/policy.service';
