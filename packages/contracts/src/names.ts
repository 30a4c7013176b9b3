// Name rules shared by every stage. Names reach file paths (lake partitions) and SQL, so they are
// validated where they enter. Patterns follow the AWS IoT API reference (UpdateThingShadow, CreateThing).
import { z } from 'zod';

export const thingNamePattern = /^[a-zA-Z0-9:_-]{1,128}$/;
export const shadowNamePattern = /^[$a-zA-Z0-9:_-]{1,64}$/;
export const metricNamePattern = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const ThingName = z
  .string()
  .regex(thingNamePattern, 'thing name must be 1-128 characters of [a-zA-Z0-9:_-]');
export const ShadowName = z
  .string()
  .regex(shadowNamePattern, 'shadow name must be 1-64 characters of [$a-zA-Z0-9:_-]');
export const MetricName = z
  .string()
  .regex(metricNamePattern, 'metric name must start with a letter or _ and hold at most 64 of [A-Za-z0-9_]');
