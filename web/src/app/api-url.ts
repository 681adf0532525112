/** Where the portal's server reaches the API (set by `npm start`; override with GATEHOUSE_API_URL). */
export function apiUrl(): string {
  return process.env.GATEHOUSE_API_URL ?? 'http://127.0.0.1:4000';
}
