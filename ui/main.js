// Entry point of the Casewatch UI: applies the chosen language to the page and registers the
// web components, which then render themselves.

import { language, onLanguageChange, translateTree } from './i18n.js';
import './components/language-switch.js';
import './components/deadline-calculator.js';

function applyLanguage() {
  document.documentElement.lang = language();
  translateTree(document.querySelector('.app-header'));
}

applyLanguage();
onLanguageChange(applyLanguage);
