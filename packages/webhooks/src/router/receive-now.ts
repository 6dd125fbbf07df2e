/**
 * The adapters' entry into the router: verify and receive a delivery, returning the result
 * itself when nothing had to wait (the in-memory store and synchronous handlers), a promise
 * otherwise. Internal to the package; users call `verifyAndReceive`.
 */
export const receiveNow: unique symbol = Symbol('hookline.receiveNow');
