// A micrograd-style scalar engine (one JS number per node, closures that accumulate into .grad): the scalar-graph baseline.

/** A scalar node: its value, its gradient, the nodes it came from and how to push its gradient to them. */
export class Value {
  grad = 0;
  backwardFn: () => void = noop;
  constructor(
    public data: number,
    public readonly prev: readonly Value[] = [],
  ) {}

  add(other: Value): Value {
    const out = new Value(this.data + other.data, [this, other]);
    out.backwardFn = () => {
      this.grad += out.grad;
      other.grad += out.grad;
    };
    return out;
  }

  mul(other: Value): Value {
    const out = new Value(this.data * other.data, [this, other]);
    out.backwardFn = () => {
      this.grad += other.data * out.grad;
      other.grad += this.data * out.grad;
    };
    return out;
  }

  tanh(): Value {
    const t = Math.tanh(this.data);
    const out = new Value(t, [this]);
    // d/dx tanh x = 1 - tanh(x)^2
    out.backwardFn = () => {
      this.grad += (1 - t * t) * out.grad;
    };
    return out;
  }

  /** Reverse mode from this node; an iterative topological sort, since 10,000-deep recursion overflows the JS stack. */
  backward(): void {
    const order: Value[] = [];
    const visited = new Set<Value>();
    const stack: [Value, number][] = [[this, 0]];
    visited.add(this);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [node, i] = top;
      if (i < node.prev.length) {
        top[1] = i + 1;
        const child = node.prev[i];
        if (!visited.has(child)) {
          visited.add(child);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(node);
      }
    }
    this.grad = 1;
    for (let i = order.length - 1; i >= 0; i--) order[i].backwardFn();
  }
}

function noop(): void {}
