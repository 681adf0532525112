'use client';

import { RouteError } from '../../../ui/shell/route-error';

export default RouteError;
