/** Grafana panel building blocks for the SLO dashboard: targets, time series, stats, grid layout. */

/** Grafana's own range for rate() in panels. */
export const RATE = '$__rate_interval';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana variable, resolved when the dashboard is imported
const DS = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };

/** A target of a panel. */
export interface DashboardTarget {
  refId: string;
  expr: string;
  legendFormat: string;
  datasource: typeof DS;
}

/** The subset of Grafana's panel model we emit. */
export interface DashboardPanel {
  id: number;
  type: 'row' | 'timeseries' | 'stat';
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  collapsed?: boolean;
  panels?: DashboardPanel[];
  datasource?: typeof DS;
  fieldConfig?: { defaults: Record<string, unknown>; overrides: unknown[] };
  options?: Record<string, unknown>;
  targets?: DashboardTarget[];
}

/** Places panels left to right on Grafana's 24-column grid, rows below each other. */
export class Layout {
  readonly panels: DashboardPanel[] = [];
  #id = 1;
  #x = 0;
  #y = 0;
  #rowHeight = 0;
  /** Starts a new row with a row panel titled `title`. */
  row(title: string): void {
    this.#newLine();
    this.panels.push({
      id: this.#id++,
      type: 'row',
      title,
      collapsed: false,
      gridPos: { x: 0, y: this.#y, w: 24, h: 1 },
      panels: [],
    });
    this.#y += 1;
  }
  /** Adds a panel `w` columns wide and `h` units high. */
  add(panel: Omit<DashboardPanel, 'id' | 'gridPos'>, w: number, h: number): void {
    if (this.#x + w > 24) this.#newLine();
    this.panels.push({ id: this.#id++, ...panel, gridPos: { x: this.#x, y: this.#y, w, h } });
    this.#x += w;
    this.#rowHeight = Math.max(this.#rowHeight, h);
  }
  #newLine(): void {
    this.#y += this.#rowHeight;
    this.#x = 0;
    this.#rowHeight = 0;
  }
}

function targets(queries: Array<[string, string]>): DashboardTarget[] {
  return queries.map(([expr, legendFormat], i) => ({
    refId: String.fromCharCode(65 + i),
    expr,
    legendFormat,
    datasource: DS,
  }));
}

/** A time series panel with one target per query (`[expr, legend]`). */
export function timeseries(
  title: string,
  description: string,
  unit: string,
  queries: Array<[string, string]>,
  extra: Record<string, unknown> = {},
) {
  return {
    type: 'timeseries' as const,
    title,
    description,
    datasource: DS,
    fieldConfig: { defaults: { unit, min: 0, ...extra }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
    targets: targets(queries),
  };
}

/** A stat panel showing the last value of `expr`, coloured by `thresholds`. */
export function stat(
  title: string,
  description: string,
  unit: string,
  expr: string,
  thresholds: Array<[number | null, string]>,
) {
  return {
    type: 'stat' as const,
    title,
    description,
    datasource: DS,
    fieldConfig: {
      defaults: {
        unit,
        decimals: 3,
        thresholds: {
          mode: 'absolute',
          steps: thresholds.map(([value, color]) => ({ value, color })),
        },
      },
      overrides: [],
    },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'value',
      graphMode: 'none',
    },
    targets: targets([[expr, title]]),
  };
}
