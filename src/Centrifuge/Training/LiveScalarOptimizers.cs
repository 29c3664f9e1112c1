using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Centrifuge.Training;

/// <summary>
/// TorchSharp's Adam and SGD with steps that keep their Scalars alive. Nested, so that their type names stay "Adam" and
/// "SGD": TorchSharp writes the optimizer's type name into its state and refuses another name on load, and checkpoints
/// written before (or by TorchSharp's own optimizers) must resume.
/// </summary>
public static class LiveScalarOptimizers
{
    /// <summary>
    /// TorchSharp's Adam, whose step converts its coefficients (beta1, 1 - beta1, eps, -step size) to Scalars that nothing
    /// references during the native call (see <see cref="ScalarArithmetic"/>), with a step that keeps each one alive. The
    /// same update as PyTorch's and TorchSharp's Adam, the same state (checkpoints read and write alike).
    /// </summary>
    public sealed class Adam : TorchSharp.Modules.Adam
    {
        private readonly bool _decoupled;

        /// <param name="decoupled">
        /// Decoupled weight decay (AdamW, Loshchilov and Hutter 2019): each step shrinks the weights by lr x weightDecay
        /// instead of adding weightDecay x weights to the gradient (L2), so the decay is not scaled down by Adam's
        /// normalisation. Not part of the optimizer's state: a resumed run takes it from its config.
        /// </param>
        public Adam(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay, bool decoupled = false)
            : base(parameters, lr, beta1, beta2, eps, weightDecay) => _decoupled = decoupled;

        public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
        {
            var options = (Options)group.Options;
            double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, eps = options.eps!.Value, lr = options.LearningRate!.Value;
            double weightDecay = options.weight_decay!.Value;
            if (options.amsgrad!.Value || options.maximize!.Value) throw new NotSupportedException("amsgrad and maximize are not used here");
            foreach (Parameter param in group.Parameters)
            {
                Tensor? grad = param.grad;
                if (grad is null) continue;
                var state = (State)_state[param.Handle];
                state.step += 1;
                double correction1 = 1 - Math.Pow(beta1, state.step), correction2 = 1 - Math.Pow(beta2, state.step);
                if (weightDecay != 0 && _decoupled)
                {
                    using Scalar shrink = (1 - lr * weightDecay).ToScalar();
                    param.mul_(shrink);
                }
                else if (weightDecay != 0) grad = grad.PlusScaled(param, weightDecay);
                using Scalar b1 = beta1.ToScalar(), oneMinusB1 = (1 - beta1).ToScalar(), b2 = beta2.ToScalar(), oneMinusB2 = (1 - beta2).ToScalar(),
                    epsilon = eps.ToScalar(), sqrtCorrection2 = Math.Sqrt(correction2).ToScalar(), stepSize = (-lr / correction1).ToScalar(),
                    one = 1.ToScalar();
                state.exp_avg.mul_(b1).add_(grad, oneMinusB1);
                state.exp_avg_sq.mul_(b2).addcmul_(grad, grad.conj(), oneMinusB2);
                Tensor denom = state.exp_avg_sq.sqrt().div_(sqrtCorrection2).add_(epsilon, one);
                param.addcdiv_(state.exp_avg, denom, stepSize);
            }
        }, closure);
    }

    /// <summary>
    /// TorchSharp's SGD with momentum, its step keeping each coefficient's Scalar alive (as <see cref="Adam"/>):
    /// the same update and state.
    /// </summary>
    public sealed class SGD : TorchSharp.Modules.SGD
    {
        public SGD(IEnumerable<Parameter> parameters, double lr, double momentum, double weightDecay)
            : base(parameters, lr, momentum, weight_decay: weightDecay)
        {
        }

        public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
        {
            var options = group.Options;
            double momentum = options.momentum!.Value, dampening = options.dampening!.Value, weightDecay = options.weight_decay!.Value;
            double lr = options.LearningRate!.Value;
            if (options.nesterov!.Value || options.maximize!.Value) throw new NotSupportedException("nesterov and maximize are not used here");
            foreach (Parameter param in group.Parameters)
            {
                Tensor? grad = param.grad;
                if (grad is null) continue;
                var state = (State)_state[param.Handle];
                if (weightDecay != 0) grad = grad.PlusScaled(param, weightDecay);
                if (momentum != 0)
                {
                    if (state.momentum_buffer is null)
                        state.momentum_buffer = grad.clone().detach().DetachFromDisposeScope();
                    else
                    {
                        using Scalar m = momentum.ToScalar(), keep = (1 - dampening).ToScalar();
                        state.momentum_buffer.mul_(m).add_(grad, keep);
                    }
                    grad = state.momentum_buffer;
                }
                using Scalar rate = (-lr).ToScalar();
                param.add_(grad, rate);
            }
        }, closure);
    }
}
