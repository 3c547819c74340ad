/* Draw the saved ipywidgets with the site's own copies of their JavaScript.
 *
 * 1. Jupyter's widget HTML manager (vendor/embed-amd.js) is a RequireJS module; it looks for
 *    its font files next to the module's URL, which RequireJS resolves relative to the page.
 *    Point that module path at the vendored copies (notebook pages sit one folder deep),
 *    and name where the widget libraries that are not built in (ipycanvas) live.
 * 2. The manager typesets widget labels with MathJax 2's API (MathJax.Hub.Queue), but this
 *    site loads MathJax 3, whose global has no Hub: every widget would throw. Give whatever
 *    object is window.MathJax (the configuration now, MathJax 3 itself once it starts) a
 *    Hub.Queue that hands the element to MathJax 3's typesetPromise.
 */
(function () {
  require.config({
    paths: {
      // modules embed-amd.js defines itself: RequireJS never fetches them, but each one
      // finds its font files next to the URL this maps it to
      "@jupyter-widgets/html-manager/dist": "../_static/vendor",
      "@jupyter-widgets/html-manager": "../_static/vendor/html-manager",
      "@jupyter-widgets/base": "../_static/vendor/base",
      "@jupyter-widgets/base7": "../_static/vendor/base7",
      "@jupyter-widgets/controls": "../_static/vendor/controls",
      "@jupyter-widgets/controls7": "../_static/vendor/controls7",
      // the drawing board's canvas widget (notebook 03), from the ipycanvas Python package
      ipycanvas: "../_static/vendor/ipycanvas/index",
    },
  });

  var hub = {
    Queue: function (job) {
      var element = job && job[2];
      var mathjax = window.MathJax;
      if (element && mathjax && mathjax.typesetPromise) {
        mathjax.typesetPromise([element]).catch(function () {});
      }
    },
  };
  function withHub(value) {
    if (value && typeof value === "object" && !value.Hub) {
      value.Hub = hub;
    }
    return value;
  }
  var current = withHub(window.MathJax || {});
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    get: function () {
      return current;
    },
    set: function (value) {
      current = withHub(value);
    },
  });
})();
