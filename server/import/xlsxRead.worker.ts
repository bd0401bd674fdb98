/** Worker-thread entry of the XLSX reader: parses off the server's event loop (see runBudgeted). */
import { parentPort, workerData } from 'node:worker_threads';
import { readSheetRowsStreaming, type XlsxSheetChoice } from './xlsxRead';

const { bytes, choice } = (workerData as { data: { bytes: Uint8Array; choice: XlsxSheetChoice } }).data;
parentPort!.postMessage(await readSheetRowsStreaming(bytes, choice));
