import { describe, expect, it } from 'vitest';
import { routeTemplate } from '../../functions/api/http.js';

describe('routeTemplate: the path as logs carry it, ids replaced', () => {
  it.each([
    ['/api/elders/e-123/timeline', '/api/elders/{id}/timeline'],
    ['/api/cases/c-9/close', '/api/cases/{id}/close'],
    ['/api/campaigns/9f1c-22/progress', '/api/campaigns/{id}/progress'],
    ['/api/campaigns/9f1c-22', '/api/campaigns/{id}'],
    ['/v/eyJhbGciOi.abc', '/v/{token}'],
  ])('%s → %s', (path, template) => {
    expect(routeTemplate(path)).toBe(template);
  });

  it.each(['/api/campaigns/preview', '/api/campaigns/templates', '/api/campaigns/cap', '/api/campaigns'])(
    'keeps the fixed route %s',
    (path) => {
      expect(routeTemplate(path)).toBe(path);
    },
  );
});
