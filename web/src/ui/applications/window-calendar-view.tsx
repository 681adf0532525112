import { monthGrid, type CalendarWindow } from './window-calendar';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** WindowCalendar draws a month of an environment's freezes and allowed hours (its local dates). */
export function WindowCalendar({ month, windows, label }: { month: string; windows: CalendarWindow[]; label: string }) {
  const days = monthGrid(month, windows);
  return (
    <div className="calendar" role="table" aria-label={label}>
      <div role="row" style={{ display: 'contents' }}>
        {WEEKDAYS.map((day) => (
          <div key={day} role="columnheader" className="head">
            {day}
          </div>
        ))}
      </div>
      {Array.from({ length: 6 }, (_, week) => (
        <div role="row" key={week} style={{ display: 'contents' }}>
          {days.slice(week * 7, week * 7 + 7).map((day) => {
            const freeze = day.windows.some((w) => w.kind === 'FREEZE');
            const allow = day.windows.some((w) => w.kind === 'ALLOW');
            return (
              <div key={day.date} role="cell" className={`day${freeze ? ' freeze' : allow ? ' allow' : ''}${day.inMonth ? '' : ' outside'}`}>
                <div>{Number(day.date.slice(8))}</div>
                {day.windows.map((w) => (
                  <div key={w.name}>
                    {w.kind === 'FREEZE' ? '❄ ' : '✓ '}
                    {w.name}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}
