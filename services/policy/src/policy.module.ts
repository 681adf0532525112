import { Module } from '@nestjs/common';

/** PolicyModule wires the policy service into the API. */
@Module({})
export class PolicyModule {}
