export { createTestDelivery, sampleData, type TestDelivery, type TestDeliveryOptions } from './create-test-delivery.js';
export { generateSecret } from './generate-secret.js';
export { eventId, resourceId } from './ids.js';
