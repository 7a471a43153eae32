// One Chromium (Debian's, never a downloaded one) shared by every PDF job: launched on first use, relaunched
// if it dies, and with a bound on concurrent jobs so that printing cannot starve page serving.
import type { Browser, Page } from 'puppeteer-core'
import { Limiter } from '../lib/limiter.js'

// Flags for a root sandbox with no network beyond loopback: no background connections, no first-run work.
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', '--disable-extensions',
  '--font-render-hinting=none',
]

export class BrowserPool {
  private browser: Promise<Browser> | null = null
  private readonly jobs: Limiter

  constructor(private readonly executablePath: string, maxJobs = 2, private readonly javaScript = false) {
    this.jobs = new Limiter(maxJobs)
  }

  private launch(): Promise<Browser> {
    // puppeteer-core is loaded with the first PDF, not at start: 11 MB the server does not need until then.
    const p = import('puppeteer-core').then(({ default: puppeteer }) =>
      puppeteer.launch({ executablePath: this.executablePath, headless: true, args: CHROMIUM_ARGS }))
    p.then((b) => b.on('disconnected', () => { if (this.browser === p) this.browser = null }), () => { if (this.browser === p) this.browser = null })
    return p
  }

  async get(): Promise<Browser> {
    this.browser ??= this.launch()
    return this.browser
  }

  /** Runs fn with a fresh page (JavaScript off unless the pool was made with it), at most maxJobs at once. */
  withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
    return this.jobs.run(async () => {
      let page: Page | null = null
      try {
        const browser = await this.get()
        page = await browser.newPage()
        await page.setJavaScriptEnabled(this.javaScript)
        return await fn(page)
      } finally {
        await page?.close().catch(() => undefined)
      }
    })
  }

  async close(): Promise<void> {
    const b = this.browser
    this.browser = null
    if (b) await (await b).close().catch(() => undefined)
  }
}
