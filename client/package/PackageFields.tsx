/**
 * Fields a package's frame is edited with, shared by the create form (package list)
 * and the settings panel, so both ask for years and parties the same way.
 */
import type { Party } from '../../shared/types';
import { useT } from '../i18n';

/** The colour a newly added party starts with, until someone picks its own. */
const NEW_PARTY_COLOR = '#4a6fa5';

/** A from–to pair of year inputs (2000–2100) under one legend: the package's years or its plan period. */
export function YearRangeFieldset(props: { legend: string; from: number; to: number; setFrom: (y: number) => void; setTo: (y: number) => void; disabled?: boolean }) {
  const t = useT();
  const yearInput = (label: string, value: number, set: (n: number) => void) => (
    <label>
      {label}
      <input type="number" min={2000} max={2100} disabled={props.disabled} value={value} onChange={(e) => set(Number(e.target.value))} />
    </label>
  );
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      <div className="row">
        {yearInput(t('fromYear'), props.from, props.setFrom)}
        {yearInput(t('toYear'), props.to, props.setTo)}
      </div>
    </fieldset>
  );
}

/** The reserve fund's opening balance (a decimal text) with its hint; `hintId` names the hint for aria-describedby. */
export function FundOpeningField(props: { value: string; onChange: (text: string) => void; hintId: string; disabled?: boolean }) {
  const t = useT();
  return (
    <div className="span-2 field">
      <label>
        {t('fundOpening')}
        <input inputMode="decimal" disabled={props.disabled} value={props.value} onChange={(e) => props.onChange(e.target.value)} aria-describedby={props.hintId} />
      </label>
      <span id={props.hintId} className="hint">
        {t('fundOpeningHint')}
      </span>
    </div>
  );
}

/**
 * The coalition parties, one row each (name and colour), with a button to add one.
 * `idFollowsName`: a party that does not exist yet takes its name as id (create form);
 * `removable`: each row gets a remove button; `disabled`: read only, no add button.
 */
export function PartiesFieldset(props: { parties: Party[]; setParties: (update: (ps: Party[]) => Party[]) => void; disabled?: boolean; idFollowsName?: boolean; removable?: boolean }) {
  const t = useT();
  const { parties, setParties } = props;
  const setParty = (i: number, patch: Partial<Party>) => setParties((ps) => ps.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  return (
    <fieldset className="span-2">
      <legend>{t('parties')}</legend>
      {parties.map((p, i) => (
        <div className="row party-row" key={i}>
          <label>
            {t('partyName')}
            <input disabled={props.disabled} value={p.name} onChange={(e) => setParty(i, props.idFollowsName ? { name: e.target.value, id: e.target.value } : { name: e.target.value })} />
          </label>
          <label>
            {t('partyColor')}
            <input type="color" disabled={props.disabled} value={p.color} onChange={(e) => setParty(i, { color: e.target.value })} />
          </label>
          {props.removable && (
            <button type="button" className="ghost" onClick={() => setParties((ps) => ps.filter((_, j) => j !== i))} aria-label={t('removeParty', { name: p.name || '?' })}>
              ✕
            </button>
          )}
        </div>
      ))}
      {!props.disabled && (
        <button type="button" className="secondary" onClick={() => setParties((ps) => [...ps, { id: '', name: '', color: NEW_PARTY_COLOR }])}>
          + {t('addParty')}
        </button>
      )}
    </fieldset>
  );
}
