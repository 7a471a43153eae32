// At most N jobs of one kind at once, the others waiting first come, first served: PDF jobs, password hashing,
// report builds. For work that holds much memory or a scarce process, where running more at once would not
// finish sooner on the school's two cores, only hold more memory and slow the pages meanwhile.
export class Limiter {
  private running = 0
  private readonly waiting: (() => void)[] = []

  constructor(readonly max: number) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.running++
    try {
      return await job()
    } finally {
      // The freed place goes straight to the next in line, so no newcomer overtakes it.
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }

  get busy(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length }
  }
}
