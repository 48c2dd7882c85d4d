// When the server refuses a callback because the session has ended (HTTP 401), go to the login page
// instead of leaving a page that silently stops updating.
(function () {
  const original = window.fetch;
  window.fetch = function (...args) {
    return original.apply(this, args).then(function (response) {
      if (response.status === 401 && String(args[0]).indexOf('_dash-update-component') !== -1) {
        window.location.href = '/login?next=' + encodeURIComponent(window.location.pathname + window.location.search);
      }
      return response;
    });
  };
})();
