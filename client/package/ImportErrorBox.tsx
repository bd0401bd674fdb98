/** An import the server refused, with where it is: sheet, cell, row, column and the value found. */
import type { ImportErrorDetail } from '../app/transfer';
import type { TFunction } from '../i18n';

export function ImportErrorBox({ error, t }: { error: ImportErrorDetail; t: TFunction }) {
  const hasWhere = error.row !== undefined || error.column !== undefined || error.cell !== undefined;
  return (
    <div className="form-error import-error" role="alert">
      <p className="strong">{t('importRejected')}</p>
      <p>{error.message}</p>
      {hasWhere && (
        <dl className="error-where">
          {error.sheet && (
            <>
              <dt>{t('sheet')}</dt>
              <dd>{error.sheet}</dd>
            </>
          )}
          {error.cell && (
            <>
              <dt>{t('cell')}</dt>
              <dd>{error.cell}</dd>
            </>
          )}
          <dt>{t('row')}</dt>
          <dd>{error.row ?? '—'}</dd>
          <dt>{t('column')}</dt>
          <dd>{error.column || '—'}</dd>
          <dt>{t('value')}</dt>
          <dd>
            <code>{error.value || '—'}</code>
          </dd>
        </dl>
      )}
    </div>
  );
}
