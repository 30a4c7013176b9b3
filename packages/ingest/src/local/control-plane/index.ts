// The local IoT control plane (REST-JSON over HTTP, for @aws-sdk/client-iot) and its route table.
export { registryRoutes, startControlPlane, type ControlPlane, type ControlPlaneOptions } from './server.js';
export type { ControlPlaneRequest, ControlPlaneRoute, HttpMethod } from './route-table.js';
export { securityRoutes, type SecurityRoutesOptions } from './certificate-routes.js';
