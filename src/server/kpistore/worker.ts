/** The KPI store's thread: the collector's event loop never waits on the database. */
import { parentPort, workerData } from 'node:worker_threads'
import { createRunner, type Request } from './runner'

const port = parentPort!
const runner = createRunner(workerData, (event) => port.postMessage(event))
port.on('message', ({ id, ...req }: Request & { id: number }) => {
  runner.handle(req).then(
    (value) => port.postMessage({ op: 'result', id, ok: true, value }),
    (err: Error) => port.postMessage({ op: 'result', id, ok: false, error: err.message }),
  )
})
