/**
 * The package as a document: sections in order (add, rename, reorder), each
 * with its introduction, its amendment lines (a grid per section) and its
 * verbal instructions.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { createSectionInDoc, createVerbalInDoc, entryOf, getSectionsMap, getVerbalMap } from '../../shared/doc/schema';
import { deleteSectionInDoc, deleteVerbalInDoc, moveOrderedItem, setVerbalFields } from '../../shared/doc/sections';
import { LEDGERS, GROUPS, STATUSES, type PackageLine, type PackageSection, type Party, type VerbalInstruction } from '../../shared/types';
import type { PresenceUser } from '../presence/awareness';
import { LedgerGrid } from '../grid/LedgerGrid';
import type { NewLineTemplate } from '../grid/operations';
import type { GridBlock, GridSharedProps } from '../grid/types';
import { useT } from '../i18n';
import { TitleInput } from './TitleInput';
import { TextField } from './TextField';

export interface SectionsViewProps extends GridSharedProps {
  sections: PackageSection[];
  parties: Party[];
  lines: PackageLine[];
  verbal: VerbalInstruction[];
  me: PresenceUser;
  /** The sign-off row of a verbal instruction (client/agreement), drawn under its head. */
  renderVerbalSignoff?: (v: VerbalInstruction) => ReactNode;
}

function blocksFor(lines: PackageLine[], section: string | undefined, t: ReturnType<typeof useT>): GridBlock[] {
  const blocks: GridBlock[] = [];
  for (const ledger of LEDGERS) {
    for (const group of GROUPS) {
      const ls = lines.filter((l) => l.ledger === ledger && l.group === group);
      // Only blocks with lines; new lines come from the add buttons under the grid.
      if (ls.length === 0) continue;
      const template: NewLineTemplate = { ledger, group };
      if (section) template.section = section;
      blocks.push({ key: `${ledger}-${group}`, heading: `${t(`ledger_${ledger}`)} — ${t(`group_${group}`)}`, template, lines: ls });
    }
  }
  return blocks;
}

export function SectionsView(props: SectionsViewProps) {
  const t = useT();
  const { sections, parties, lines, verbal, me, renderVerbalSignoff, ...gridProps } = props;
  const { conn, canEdit } = gridProps;
  const known = new Set(sections.map((s) => s.id));
  const orphanLines = lines.filter((l) => !l.section || !known.has(l.section));
  const orphanVerbal = verbal.filter((v) => !v.section || !known.has(v.section));
  const sectionIds = sections.map((s) => s.id);
  // A verbal instruction just added here: its title field gets the focus once it is drawn.
  const [focusVerbal, setFocusVerbal] = useState<string | null>(null);
  useEffect(() => {
    if (!focusVerbal) return;
    const input = document.querySelector<HTMLInputElement>(`input[data-verbal-title="${CSS.escape(focusVerbal)}"]`);
    if (!input) return;
    input.focus();
    setFocusVerbal(null);
  }, [focusVerbal, verbal]);

  const addSection = () => {
    conn.undoManager.stopCapturing();
    createSectionInDoc(conn.doc, t('newSectionTitle'), [], conn.localOrigin);
  };

  const renderVerbal = (items: VerbalInstruction[], section: string | undefined) => {
    const ids = items.map((v) => v.id);
    return (
      <div className="verbal">
        <h3>{t('verbalHeading')}</h3>
        {items.map((v, i) => (
          <article key={v.id} className="verbal-item">
            <div className="verbal-head">
              <span className="verbal-num" aria-hidden="true">
                {i + 1}.
              </span>
              <TitleInput
                className="title-input"
                aria-label={t('verbalTitle')}
                placeholder={t('verbalTitlePlaceholder')}
                data-verbal-title={v.id}
                disabled={!canEdit}
                conn={conn}
                map={entryOf(getVerbalMap(conn.doc), v.id)}
              />
              <select className="compact-select" aria-label={`${t('party')}: ${v.title}`} disabled={!canEdit} value={v.party ?? ''} onChange={(e) => setVerbalFields(conn.doc, v.id, { party: e.target.value }, conn.localOrigin)}>
                <option value="">{t('party')}: {t('none')}</option>
                {parties.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
              <select className="compact-select" aria-label={`${t('status')}: ${v.title}`} disabled={!canEdit} value={v.status === 'agreed' ? 'draft' : (v.status ?? 'draft')} onChange={(e) => setVerbalFields(conn.doc, v.id, { status: e.target.value }, conn.localOrigin)}>
                {STATUSES.filter((st) => st !== 'agreed').map((st) => (
                  <option key={st} value={st}>
                    {t(`status_${st}`)}
                  </option>
                ))}
              </select>
              <button type="button" className="ghost small" disabled={!canEdit || i === 0} aria-label={`${t('moveUp')}: ${v.title}`} onClick={() => moveOrderedItem(getVerbalMap(conn.doc), ids, v.id, -1, conn.localOrigin)}>
                ↑
              </button>
              <button type="button" className="ghost small" disabled={!canEdit || i === items.length - 1} aria-label={`${t('moveDown')}: ${v.title}`} onClick={() => moveOrderedItem(getVerbalMap(conn.doc), ids, v.id, 1, conn.localOrigin)}>
                ↓
              </button>
              <button type="button" className="ghost small danger-text" disabled={!canEdit} aria-label={`${t('deleteVerbal')}: ${v.title}`} onClick={() => deleteVerbalInDoc(conn.doc, v.id, conn.localOrigin)}>
                ✕
              </button>
            </div>
            {renderVerbalSignoff?.(v)}
            <TextField conn={conn} kind="verbal" itemId={v.id} item={entryOf(getVerbalMap(conn.doc), v.id)} field="text" label={`${t('verbalHeading')}: ${v.title}`} me={me} canEdit={canEdit} />
          </article>
        ))}
        {canEdit && (
          <button
            type="button"
            className="secondary small"
            onClick={() => {
              const input: { title: string; section?: string } = { title: '' };
              if (section) input.section = section;
              conn.undoManager.stopCapturing();
              setFocusVerbal(createVerbalInDoc(conn.doc, input, conn.localOrigin));
            }}
          >
            + {t('addVerbal')}
          </button>
        )}
      </div>
    );
  };

  const addButtons = (section: string | undefined) =>
    canEdit && (
      <div className="add-line-bar" role="group" aria-label={t('addLine')}>
        <span className="muted">{t('addLine')}:</span>
        {LEDGERS.flatMap((ledger) =>
          GROUPS.map((group) => {
            const template: NewLineTemplate = { ledger, group };
            if (section) template.section = section;
            return (
              <button key={`${ledger}-${group}`} type="button" className="secondary small" onClick={() => gridProps.onAddLine(template)} aria-label={t('addLineIn', { ledger: t(`ledger_${ledger}`), group: t(`group_${group}`) })}>
                {t(`ledger_${ledger}`)} · {t(`group_${group}`).split(' ')[0]!.toLowerCase()}
              </button>
            );
          }),
        )}
      </div>
    );

  const grid = (label: string, sectionLines: PackageLine[], section: string | undefined) => (
    <>
    {sectionLines.length > 0 ? <LedgerGrid label={t('gridLabel', { ledger: label })} blocks={blocksFor(sectionLines, section, t)} {...gridProps} /> : <p className="muted">{t('noLines')}</p>}
    {addButtons(section)}
    </>
  );

  return (
    <div className="sections-view">
      {sections.length === 0 && <p className="empty-state">{t('noSections')}</p>}
      {sections.map((s, i) => (
        <section key={s.id} className="doc-section" aria-label={s.title || t('untitled')}>
          <header className="section-head">
            <span className="section-num" aria-hidden="true">
              {i + 1}
            </span>
            <TitleInput className="section-title" aria-label={t('sectionTitle')} disabled={!canEdit} conn={conn} map={getSectionsMap(conn.doc).get(s.id)} />
            <button type="button" className="ghost small" disabled={!canEdit || i === 0} aria-label={`${t('moveUp')}: ${s.title}`} onClick={() => moveOrderedItem(getSectionsMap(conn.doc), sectionIds, s.id, -1, conn.localOrigin)}>
              ↑
            </button>
            <button type="button" className="ghost small" disabled={!canEdit || i === sections.length - 1} aria-label={`${t('moveDown')}: ${s.title}`} onClick={() => moveOrderedItem(getSectionsMap(conn.doc), sectionIds, s.id, 1, conn.localOrigin)}>
              ↓
            </button>
            <button
              type="button"
              className="ghost small danger-text"
              disabled={!canEdit}
              aria-label={`${t('deleteSection')}: ${s.title}`}
              onClick={() => {
                if (window.confirm(t('confirmDeleteSection', { title: s.title || t('untitled') }))) deleteSectionInDoc(conn.doc, s.id, conn.localOrigin);
              }}
            >
              ✕
            </button>
          </header>
          <h3 className="field-heading">{t('intro')}</h3>
          <TextField conn={conn} kind="section" itemId={s.id} item={entryOf(getSectionsMap(conn.doc), s.id)} field="intro" label={`${t('intro')}: ${s.title}`} me={me} canEdit={canEdit} />
          <h3>{t('linesHeading')}</h3>
          {grid(s.title, lines.filter((l) => l.section === s.id), s.id)}
          {renderVerbal(verbal.filter((v) => v.section === s.id), s.id)}
        </section>
      ))}
      {(orphanLines.length > 0 || orphanVerbal.length > 0) && (
        <section className="doc-section" aria-label={t('noSection')}>
          <header className="section-head">
            <h2 className="section-title-static">{t('noSection')}</h2>
          </header>
          {orphanLines.length > 0 && grid(t('noSection'), orphanLines, undefined)}
          {orphanVerbal.length > 0 && renderVerbal(orphanVerbal, undefined)}
        </section>
      )}
      {canEdit && (
        <button type="button" className="primary" onClick={addSection}>
          + {t('addSection')}
        </button>
      )}
    </div>
  );
}
