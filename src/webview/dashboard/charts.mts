import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { formatUsd } from '../../core/format.js';
import { axisUsd, modelColours, type MonthProgress, type RangeView } from './chartData.js';

// Only what these four charts use is registered, so the bundle leaves the rest of Chart.js out.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

/** Colours read from VS Code's theme variables, so light, dark and high contrast all stay readable. */
export interface Palette {
  series: string[];
  /** Colours no tier uses, for the second model of a tier and unknown models. */
  spare: string[];
  foreground: string;
  grid: string;
  fontFamily: string;
  tiers: Record<string, string>;
  highContrast: boolean;
}

export function readPalette(): Palette {
  const style = getComputedStyle(document.body);
  const css = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const blue = css('--vscode-charts-blue', '#3794ff');
  const green = css('--vscode-charts-green', '#89d185');
  const yellow = css('--vscode-charts-yellow', '#cca700');
  const orange = css('--vscode-charts-orange', '#d18616');
  const purple = css('--vscode-charts-purple', '#b180d7');
  const red = css('--vscode-charts-red', '#f14c4c');
  const foreground = css('--vscode-charts-foreground', css('--vscode-foreground', '#cccccc'));
  return {
    series: [blue, orange, green, purple, yellow, red],
    spare: [yellow, red, css('--vscode-charts-foreground', '#cccccc')],
    foreground,
    grid: css('--vscode-charts-lines', 'rgba(128,128,128,0.35)'),
    fontFamily: css('--vscode-font-family', 'sans-serif'),
    tiers: { haiku: green, sonnet: blue, opus: purple, frontier: orange },
    highContrast:
      document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light'),
  };
}

const shortDay = (day: string) => day.slice(5);

function baseOptions(palette: Palette, stacked: boolean, horizontal = false): ChartConfiguration['options'] {
  const grid = { color: palette.grid };
  const ticks = { color: palette.foreground };
  const money = {
    ...ticks,
    callback: (value: string | number, _index: number, all: Array<{ value: number }>) =>
      axisUsd(Number(value), all.length > 1 ? Math.abs(all[1]!.value - all[0]!.value) : undefined),
  };
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    indexAxis: horizontal ? 'y' : 'x',
    font: { family: palette.fontFamily },
    plugins: {
      legend: { labels: { color: palette.foreground, font: { family: palette.fontFamily } } },
      tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${formatUsd(Number(item.raw ?? 0))}` } },
    },
    scales: horizontal
      ? { x: { stacked, grid, ticks: money, beginAtZero: true }, y: { stacked, grid, ticks } }
      : { x: { stacked, grid, ticks }, y: { stacked, grid, ticks: money, beginAtZero: true } },
  } as ChartConfiguration['options'];
}

export function dailyByModelConfig(view: RangeView, palette: Palette): ChartConfiguration {
  const colours = modelColours(view.byModel, palette.tiers, palette.spare);
  return {
    type: 'bar',
    data: {
      labels: view.days.map(shortDay),
      datasets: view.byModel.map((series, i) => ({
        label: series.key,
        data: series.usd,
        backgroundColor: colours[i],
        borderColor: palette.highContrast ? palette.foreground : colours[i],
        borderWidth: palette.highContrast ? 1 : 0,
      })),
    },
    options: baseOptions(palette, true),
  };
}

export function byTierConfig(view: RangeView, palette: Palette): ChartConfiguration {
  const colours = view.byTier.map((t, i) => palette.tiers[t.tier] ?? palette.series[i % palette.series.length]!);
  return {
    type: 'bar',
    data: {
      labels: view.byTier.map((t) => t.tier),
      datasets: [
        {
          label: 'Spend',
          data: view.byTier.map((t) => t.usd),
          backgroundColor: colours,
          borderColor: palette.highContrast ? palette.foreground : colours,
          borderWidth: palette.highContrast ? 1 : 0,
        },
      ],
    },
    options: { ...baseOptions(palette, false, true), plugins: { ...baseOptions(palette, false)!.plugins, legend: { display: false } } },
  };
}

export function savingsConfig(view: RangeView, palette: Palette): ChartConfiguration {
  const line = (label: string, data: number[], colour: string, dash: number[]) => ({
    label,
    data,
    borderColor: colour,
    backgroundColor: colour,
    borderDash: dash,
    pointRadius: 0,
    pointHitRadius: 6,
    borderWidth: 2,
  });
  return {
    type: 'line',
    data: {
      labels: view.days.map(shortDay),
      datasets: [
        line('Saved by caching', view.cacheSavedCumulative, palette.tiers['haiku']!, []),
        line('Saved by routing', view.routingSavedCumulative, palette.tiers['sonnet']!, [6, 3]),
      ],
    },
    options: baseOptions(palette, false),
  };
}

export function monthProgressConfig(progress: MonthProgress, palette: Palette): ChartConfiguration {
  const line = (label: string, data: (number | null)[], colour: string | undefined, dash: number[] = []) => ({
    label,
    data,
    borderColor: colour,
    backgroundColor: colour,
    borderDash: dash,
    pointRadius: 0,
    borderWidth: 2,
  });
  const datasets: ChartConfiguration<'line'>['data']['datasets'] = [
    line('Spent this month', progress.actual, palette.series[0]),
    line('Forecast at current rate', progress.forecast, palette.series[1], [6, 4]),
  ];
  if (progress.budget.some((b) => b !== null)) datasets.push(line('Monthly budget', progress.budget, palette.series[5], [2, 2]));
  return {
    type: 'line',
    data: { labels: progress.days.map(shortDay), datasets },
    options: { ...baseOptions(palette, false), spanGaps: false },
  } as ChartConfiguration;
}

/** Creates or replaces the chart drawn on `canvas`. */
export function drawChart(canvas: HTMLCanvasElement, config: ChartConfiguration): Chart {
  Chart.getChart(canvas)?.destroy();
  return new Chart(canvas, config);
}
