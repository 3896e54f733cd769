/**
 * The console's Ant Design theme: one object for the browser (main.tsx) and for the build that
 * extracts the styles (console/antd-styles.ts), so both compute the same style hashes.
 */
import type { ThemeConfig } from 'antd';

export const THEME: ThemeConfig = {
  token: {
    colorPrimary: '#0b5cad',
    colorError: '#a3161a',
    colorWarning: '#7a4b00',
    colorSuccess: '#1b6b35',
    colorText: '#1a1f24',
    colorTextSecondary: '#555f69',
    fontSize: 15,
    borderRadius: 4,
    fontFamily:
      'system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif',
  },
};
