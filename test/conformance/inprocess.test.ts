import { describeTransportConformance } from './transport-conformance.ts';

describeTransportConformance('inprocess', { EVENT_TRANSPORT: 'inprocess' });
