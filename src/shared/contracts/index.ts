export { describeContract, type ContractDocument, type JsonSchema } from './describe.ts';
export { accepts, compatibility } from './compatibility.ts';
