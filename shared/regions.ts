/** Jiangmen's county-level divisions (GB/T 2260), the default set of counties. */
export const JIANGMEN_COUNTIES: Readonly<Record<string, { zh: string; en: string }>> = {
  '440703': { zh: '蓬江区', en: 'Pengjiang' },
  '440704': { zh: '江海区', en: 'Jianghai' },
  '440705': { zh: '新会区', en: 'Xinhui' },
  '440781': { zh: '台山市', en: 'Taishan' },
  '440783': { zh: '开平市', en: 'Kaiping' },
  '440784': { zh: '鹤山市', en: 'Heshan' },
  '440785': { zh: '恩平市', en: 'Enping' },
};

/** Prefecture-level cities (GB/T 2260) whose name alone in an alert's area means all their counties. */
export const CITIES: Readonly<Record<string, { zh: string; en: string }>> = {
  '440700': { zh: '江门市', en: 'Jiangmen' },
};
