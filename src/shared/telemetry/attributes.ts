/**
 * Span attribute names. The stable ones come from the semantic conventions package; the RPC and
 * messaging names are still "incubating" there, and the conventions' own advice is to copy such
 * names rather than import the incubating entry (it changes between minor versions).
 */
export {
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';

export const ATTR_RPC_SYSTEM = 'rpc.system';
export const ATTR_RPC_SERVICE = 'rpc.service';
export const ATTR_RPC_METHOD = 'rpc.method';
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count';

/** The café's own attributes, under one prefix so they never collide with a convention. */
export const ATTR_MODULE = 'cafe.module';
export const ATTR_EVENT_TYPE = 'cafe.event.type';
export const ATTR_REQUEST_ID = 'cafe.request_id';
export const ATTR_CORRELATION_ID = 'cafe.correlation_id';
export const ATTR_DELIVERY_ATTEMPT = 'cafe.delivery.attempt';
export const ATTR_DELIVERY_FINAL = 'cafe.delivery.final';
export const ATTR_DELIVERY_OUTCOME = 'cafe.delivery.outcome';
export const ATTR_API_SIDE = 'cafe.api.side';
