// The control plane's routing: a table of { method, path pattern, operation } as in the IoT service model
// (REST-JSON: the operation is chosen by method and path, inputs come from path labels, query and body).
// New operations (certificates, policies) are new rows.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ControlPlaneRequest {
  /** Path labels (`{thingName}`), already URL-decoded. */
  readonly labels: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body; `{}` when there is none. */
  readonly body: unknown;
  /** Header values by lower-case name (AttachThingPrincipal sends its principal in `x-amzn-principal`). */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export interface ControlPlaneRoute {
  readonly method: HttpMethod;
  /** Pattern with `{label}` segments, e.g. `/things/{thingName}`. */
  readonly path: string;
  /** The IoT operation name, for logs and errors (e.g. `DescribeThing`). */
  readonly operation: string;
  /** Resolves to the response body; undefined means an empty 200 response, as IoT sends for deletes. */
  handle(request: ControlPlaneRequest): Promise<object | undefined>;
}

export interface RouteMatch {
  readonly route: ControlPlaneRoute;
  readonly labels: Record<string, string>;
}

/** Finds the route for a request; routes with fewer labels win, so `/thing-groups/addThingToThingGroup` beats `/thing-groups/{name}`. */
export function routeMatcher(
  routes: readonly ControlPlaneRoute[],
): (method: string, path: string) => RouteMatch | undefined {
  const compiled = routes
    .map((route) => ({ route, segments: route.path.split('/').slice(1) }))
    .sort((a, b) => labelCount(a.segments) - labelCount(b.segments));
  return (method, path) => {
    const segments = path.split('/').slice(1);
    for (const { route, segments: pattern } of compiled) {
      if (route.method !== method || pattern.length !== segments.length) continue;
      const labels = matchSegments(pattern, segments);
      if (labels) return { route, labels };
    }
    return undefined;
  };
}

function matchSegments(
  pattern: readonly string[],
  segments: readonly string[],
): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    const segment = segments[i] ?? '';
    if (part.startsWith('{') && part.endsWith('}')) {
      if (segment === '') return undefined;
      labels[part.slice(1, -1)] = safeDecode(segment);
    } else if (part !== segment) {
      return undefined;
    }
  }
  return labels;
}

const labelCount = (segments: readonly string[]): number => segments.filter((s) => s.startsWith('{')).length;

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // not valid percent-encoding: the name check downstream rejects it
  }
}
