import { createNodeMiddleware } from '@hookline/webhooks/node';
import express from 'express';
import { createWebhooks } from '../shared/create-webhooks.js';

// Alternative: a single route whose raw body express.raw() keeps as a Buffer; the middleware
// uses it as is. Any other body parser on this route (express.json()) fails with payload_not_raw.
const app = express();
app.post('/webhooks', express.raw({ type: 'application/json' }), createNodeMiddleware(createWebhooks()));

export { app };
