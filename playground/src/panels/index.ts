// chainrule's panels of the playground: importing this module registers them with the page's panel host
// (the backprop view, the weight breakdown, the "predict the gradient" exercise and gradient health).

import "./panels.css";
import "./backprop.js";
import "./breakdown.js";
import "./exercise.js";
import "./health.js";
