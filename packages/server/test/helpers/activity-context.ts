/**
 * The activity context of the SDK under test: activities are written once and
 * run on the official worker or on Endure's, whose Context mirrors the official one.
 */
import { Context as OfficialContext } from '@temporalio/activity';
import { Context as EndureContext } from '@endure/activity';
import { testSdk } from './env.js';

export const Context = {
  current(): OfficialContext {
    return testSdk() === 'endure' ? (EndureContext.current() as unknown as OfficialContext) : OfficialContext.current();
  },
};
