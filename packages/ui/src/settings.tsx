/**
 * The viewer's choices, kept in localStorage: light or dark theme, and times in local time or
 * UTC. `useSettings()` reads them anywhere below <SettingsProvider>.
 */
import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';

export type Theme = 'light' | 'dark';
export type TimeZone = 'local' | 'utc';

export interface Settings {
  theme: Theme;
  timeZone: TimeZone;
  setTheme(theme: Theme): void;
  setTimeZone(zone: TimeZone): void;
}

const SettingsContext = createContext<Settings>({
  theme: 'light',
  timeZone: 'local',
  setTheme: () => {},
  setTimeZone: () => {},
});

function stored<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
  try {
    const value = localStorage.getItem(key);
    return allowed.includes(value as T) ? (value as T) : fallback;
  } catch {
    return fallback;
  }
}

function store(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

export function SettingsProvider({ children }: { children: ComponentChildren }) {
  const prefersDark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  const [theme, setThemeState] = useState<Theme>(() => stored('endure.theme', ['light', 'dark'], prefersDark ? 'dark' : 'light'));
  const [timeZone, setZoneState] = useState<TimeZone>(() => stored('endure.timeZone', ['local', 'utc'], 'local'));

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const value: Settings = {
    theme,
    timeZone,
    setTheme: (next) => {
      store('endure.theme', next);
      setThemeState(next);
    },
    setTimeZone: (next) => {
      store('endure.timeZone', next);
      setZoneState(next);
    },
  };
  return <SettingsContext.Provider value={value}>{children}</SettingsContext.Provider>;
}

export function useSettings(): Settings {
  return useContext(SettingsContext);
}
