/**
 * The HTML5 named character references (WHATWG list, with semicolon), as `name~char~name~char…`.
 * Generated once from the html-entities package data (MIT); a list, not logic.
 */
const TABLE =
  "AElig~Æ~AMP~&~Aacute~Á~Abreve~Ă~Acirc~Â~Acy~А~Afr~𝔄~Agrave~À~Alpha~Α~Amacr~Ā~And~⩓~Aogon~Ą~Aopf~𝔸~" +
  "ApplyFunction~⁡~Aring~Å~Ascr~𝒜~Assign~≔~Atilde~Ã~Auml~Ä~Backslash~∖~Barv~⫧~Barwed~⌆~Bcy~Б~Because~∵" +
  "~Bernoullis~ℬ~Beta~Β~Bfr~𝔅~Bopf~𝔹~Breve~˘~Bscr~ℬ~Bumpeq~≎~CHcy~Ч~COPY~©~Cacute~Ć~Cap~⋒~CapitalDiff" +
  "erentialD~ⅅ~Cayleys~ℭ~Ccaron~Č~Ccedil~Ç~Ccirc~Ĉ~Cconint~∰~Cdot~Ċ~Cedilla~¸~CenterDot~·~Cfr~ℭ~Chi~Χ~C" +
  "ircleDot~⊙~CircleMinus~⊖~CirclePlus~⊕~CircleTimes~⊗~ClockwiseContourIntegral~∲~CloseCurlyDoubleQuote" +
  "~”~CloseCurlyQuote~’~Colon~∷~Colone~⩴~Congruent~≡~Conint~∯~ContourIntegral~∮~Copf~ℂ~Coproduct~∐~Coun" +
  "terClockwiseContourIntegral~∳~Cross~⨯~Cscr~𝒞~Cup~⋓~CupCap~≍~DD~ⅅ~DDotrahd~⤑~DJcy~Ђ~DScy~Ѕ~DZcy~Џ~Da" +
  "gger~‡~Darr~↡~Dashv~⫤~Dcaron~Ď~Dcy~Д~Del~∇~Delta~Δ~Dfr~𝔇~DiacriticalAcute~´~DiacriticalDot~˙~Diacri" +
  "ticalDoubleAcute~˝~DiacriticalGrave~`~DiacriticalTilde~˜~Diamond~⋄~DifferentialD~ⅆ~Dopf~𝔻~Dot~¨~Dot" +
  "Dot~⃜~DotEqual~≐~DoubleContourIntegral~∯~DoubleDot~¨~DoubleDownArrow~⇓~DoubleLeftArrow~⇐~DoubleLeftR" +
  "ightArrow~⇔~DoubleLeftTee~⫤~DoubleLongLeftArrow~⟸~DoubleLongLeftRightArrow~⟺~DoubleLongRightArrow~⟹~" +
  "DoubleRightArrow~⇒~DoubleRightTee~⊨~DoubleUpArrow~⇑~DoubleUpDownArrow~⇕~DoubleVerticalBar~∥~DownArro" +
  "w~↓~DownArrowBar~⤓~DownArrowUpArrow~⇵~DownBreve~̑~DownLeftRightVector~⥐~DownLeftTeeVector~⥞~DownLeft" +
  "Vector~↽~DownLeftVectorBar~⥖~DownRightTeeVector~⥟~DownRightVector~⇁~DownRightVectorBar~⥗~DownTee~⊤~D" +
  "ownTeeArrow~↧~Downarrow~⇓~Dscr~𝒟~Dstrok~Đ~ENG~Ŋ~ETH~Ð~Eacute~É~Ecaron~Ě~Ecirc~Ê~Ecy~Э~Edot~Ė~Efr~𝔈" +
  "~Egrave~È~Element~∈~Emacr~Ē~EmptySmallSquare~◻~EmptyVerySmallSquare~▫~Eogon~Ę~Eopf~𝔼~Epsilon~Ε~Equa" +
  "l~⩵~EqualTilde~≂~Equilibrium~⇌~Escr~ℰ~Esim~⩳~Eta~Η~Euml~Ë~Exists~∃~ExponentialE~ⅇ~Fcy~Ф~Ffr~𝔉~Fille" +
  "dSmallSquare~◼~FilledVerySmallSquare~▪~Fopf~𝔽~ForAll~∀~Fouriertrf~ℱ~Fscr~ℱ~GJcy~Ѓ~GT~>~Gamma~Γ~Gamm" +
  "ad~Ϝ~Gbreve~Ğ~Gcedil~Ģ~Gcirc~Ĝ~Gcy~Г~Gdot~Ġ~Gfr~𝔊~Gg~⋙~Gopf~𝔾~GreaterEqual~≥~GreaterEqualLess~⋛~Gr" +
  "eaterFullEqual~≧~GreaterGreater~⪢~GreaterLess~≷~GreaterSlantEqual~⩾~GreaterTilde~≳~Gscr~𝒢~Gt~≫~HARD" +
  "cy~Ъ~Hacek~ˇ~Hat~^~Hcirc~Ĥ~Hfr~ℌ~HilbertSpace~ℋ~Hopf~ℍ~HorizontalLine~─~Hscr~ℋ~Hstrok~Ħ~HumpDownHump" +
  "~≎~HumpEqual~≏~IEcy~Е~IJlig~Ĳ~IOcy~Ё~Iacute~Í~Icirc~Î~Icy~И~Idot~İ~Ifr~ℑ~Igrave~Ì~Im~ℑ~Imacr~Ī~Imagi" +
  "naryI~ⅈ~Implies~⇒~Int~∬~Integral~∫~Intersection~⋂~InvisibleComma~⁣~InvisibleTimes~⁢~Iogon~Į~Iopf~𝕀~" +
  "Iota~Ι~Iscr~ℐ~Itilde~Ĩ~Iukcy~І~Iuml~Ï~Jcirc~Ĵ~Jcy~Й~Jfr~𝔍~Jopf~𝕁~Jscr~𝒥~Jsercy~Ј~Jukcy~Є~KHcy~Х~K" +
  "Jcy~Ќ~Kappa~Κ~Kcedil~Ķ~Kcy~К~Kfr~𝔎~Kopf~𝕂~Kscr~𝒦~LJcy~Љ~LT~<~Lacute~Ĺ~Lambda~Λ~Lang~⟪~Laplacetrf~" +
  "ℒ~Larr~↞~Lcaron~Ľ~Lcedil~Ļ~Lcy~Л~LeftAngleBracket~⟨~LeftArrow~←~LeftArrowBar~⇤~LeftArrowRightArrow~⇆" +
  "~LeftCeiling~⌈~LeftDoubleBracket~⟦~LeftDownTeeVector~⥡~LeftDownVector~⇃~LeftDownVectorBar~⥙~LeftFloo" +
  "r~⌊~LeftRightArrow~↔~LeftRightVector~⥎~LeftTee~⊣~LeftTeeArrow~↤~LeftTeeVector~⥚~LeftTriangle~⊲~LeftT" +
  "riangleBar~⧏~LeftTriangleEqual~⊴~LeftUpDownVector~⥑~LeftUpTeeVector~⥠~LeftUpVector~↿~LeftUpVectorBar" +
  "~⥘~LeftVector~↼~LeftVectorBar~⥒~Leftarrow~⇐~Leftrightarrow~⇔~LessEqualGreater~⋚~LessFullEqual~≦~Less" +
  "Greater~≶~LessLess~⪡~LessSlantEqual~⩽~LessTilde~≲~Lfr~𝔏~Ll~⋘~Lleftarrow~⇚~Lmidot~Ŀ~LongLeftArrow~⟵~" +
  "LongLeftRightArrow~⟷~LongRightArrow~⟶~Longleftarrow~⟸~Longleftrightarrow~⟺~Longrightarrow~⟹~Lopf~𝕃~" +
  "LowerLeftArrow~↙~LowerRightArrow~↘~Lscr~ℒ~Lsh~↰~Lstrok~Ł~Lt~≪~Map~⤅~Mcy~М~MediumSpace~ ~Mellintrf~ℳ~" +
  "Mfr~𝔐~MinusPlus~∓~Mopf~𝕄~Mscr~ℳ~Mu~Μ~NJcy~Њ~Nacute~Ń~Ncaron~Ň~Ncedil~Ņ~Ncy~Н~NegativeMediumSpace~​" +
  "~NegativeThickSpace~​~NegativeThinSpace~​~NegativeVeryThinSpace~​~NestedGreaterGreater~≫~NestedLessL" +
  "ess~≪~NewLine~\n~Nfr~𝔑~NoBreak~⁠~NonBreakingSpace~ ~Nopf~ℕ~Not~⫬~NotCongruent~≢~NotCupCap~≭~NotDoubl" +
  "eVerticalBar~∦~NotElement~∉~NotEqual~≠~NotEqualTilde~≂̸~NotExists~∄~NotGreater~≯~NotGreaterEqual~≱~N" +
  "otGreaterFullEqual~≧̸~NotGreaterGreater~≫̸~NotGreaterLess~≹~NotGreaterSlantEqual~⩾̸~NotGreaterTilde~" +
  "≵~NotHumpDownHump~≎̸~NotHumpEqual~≏̸~NotLeftTriangle~⋪~NotLeftTriangleBar~⧏̸~NotLeftTriangleEqual~⋬~" +
  "NotLess~≮~NotLessEqual~≰~NotLessGreater~≸~NotLessLess~≪̸~NotLessSlantEqual~⩽̸~NotLessTilde~≴~NotNest" +
  "edGreaterGreater~⪢̸~NotNestedLessLess~⪡̸~NotPrecedes~⊀~NotPrecedesEqual~⪯̸~NotPrecedesSlantEqual~⋠~N" +
  "otReverseElement~∌~NotRightTriangle~⋫~NotRightTriangleBar~⧐̸~NotRightTriangleEqual~⋭~NotSquareSubset" +
  "~⊏̸~NotSquareSubsetEqual~⋢~NotSquareSuperset~⊐̸~NotSquareSupersetEqual~⋣~NotSubset~⊂⃒~NotSubsetEqual" +
  "~⊈~NotSucceeds~⊁~NotSucceedsEqual~⪰̸~NotSucceedsSlantEqual~⋡~NotSucceedsTilde~≿̸~NotSuperset~⊃⃒~NotS" +
  "upersetEqual~⊉~NotTilde~≁~NotTildeEqual~≄~NotTildeFullEqual~≇~NotTildeTilde~≉~NotVerticalBar~∤~Nscr~" +
  "𝒩~Ntilde~Ñ~Nu~Ν~OElig~Œ~Oacute~Ó~Ocirc~Ô~Ocy~О~Odblac~Ő~Ofr~𝔒~Ograve~Ò~Omacr~Ō~Omega~Ω~Omicron~Ο~O" +
  "opf~𝕆~OpenCurlyDoubleQuote~“~OpenCurlyQuote~‘~Or~⩔~Oscr~𝒪~Oslash~Ø~Otilde~Õ~Otimes~⨷~Ouml~Ö~OverBa" +
  "r~‾~OverBrace~⏞~OverBracket~⎴~OverParenthesis~⏜~PartialD~∂~Pcy~П~Pfr~𝔓~Phi~Φ~Pi~Π~PlusMinus~±~Poinc" +
  "areplane~ℌ~Popf~ℙ~Pr~⪻~Precedes~≺~PrecedesEqual~⪯~PrecedesSlantEqual~≼~PrecedesTilde~≾~Prime~″~Produ" +
  "ct~∏~Proportion~∷~Proportional~∝~Pscr~𝒫~Psi~Ψ~QUOT~\"~Qfr~𝔔~Qopf~ℚ~Qscr~𝒬~RBarr~⤐~REG~®~Racute~Ŕ~R" +
  "ang~⟫~Rarr~↠~Rarrtl~⤖~Rcaron~Ř~Rcedil~Ŗ~Rcy~Р~Re~ℜ~ReverseElement~∋~ReverseEquilibrium~⇋~ReverseUpEq" +
  "uilibrium~⥯~Rfr~ℜ~Rho~Ρ~RightAngleBracket~⟩~RightArrow~→~RightArrowBar~⇥~RightArrowLeftArrow~⇄~Right" +
  "Ceiling~⌉~RightDoubleBracket~⟧~RightDownTeeVector~⥝~RightDownVector~⇂~RightDownVectorBar~⥕~RightFloo" +
  "r~⌋~RightTee~⊢~RightTeeArrow~↦~RightTeeVector~⥛~RightTriangle~⊳~RightTriangleBar~⧐~RightTriangleEqua" +
  "l~⊵~RightUpDownVector~⥏~RightUpTeeVector~⥜~RightUpVector~↾~RightUpVectorBar~⥔~RightVector~⇀~RightVec" +
  "torBar~⥓~Rightarrow~⇒~Ropf~ℝ~RoundImplies~⥰~Rrightarrow~⇛~Rscr~ℛ~Rsh~↱~RuleDelayed~⧴~SHCHcy~Щ~SHcy~Ш" +
  "~SOFTcy~Ь~Sacute~Ś~Sc~⪼~Scaron~Š~Scedil~Ş~Scirc~Ŝ~Scy~С~Sfr~𝔖~ShortDownArrow~↓~ShortLeftArrow~←~Sho" +
  "rtRightArrow~→~ShortUpArrow~↑~Sigma~Σ~SmallCircle~∘~Sopf~𝕊~Sqrt~√~Square~□~SquareIntersection~⊓~Squ" +
  "areSubset~⊏~SquareSubsetEqual~⊑~SquareSuperset~⊐~SquareSupersetEqual~⊒~SquareUnion~⊔~Sscr~𝒮~Star~⋆~" +
  "Sub~⋐~Subset~⋐~SubsetEqual~⊆~Succeeds~≻~SucceedsEqual~⪰~SucceedsSlantEqual~≽~SucceedsTilde~≿~SuchTha" +
  "t~∋~Sum~∑~Sup~⋑~Superset~⊃~SupersetEqual~⊇~Supset~⋑~THORN~Þ~TRADE~™~TSHcy~Ћ~TScy~Ц~Tab~\t~Tau~Τ~Tcaro" +
  "n~Ť~Tcedil~Ţ~Tcy~Т~Tfr~𝔗~Therefore~∴~Theta~Θ~ThickSpace~  ~ThinSpace~ ~Tilde~∼~TildeEqual~≃~TildeFu" +
  "llEqual~≅~TildeTilde~≈~Topf~𝕋~TripleDot~⃛~Tscr~𝒯~Tstrok~Ŧ~Uacute~Ú~Uarr~↟~Uarrocir~⥉~Ubrcy~Ў~Ubrev" +
  "e~Ŭ~Ucirc~Û~Ucy~У~Udblac~Ű~Ufr~𝔘~Ugrave~Ù~Umacr~Ū~UnderBar~_~UnderBrace~⏟~UnderBracket~⎵~UnderParen" +
  "thesis~⏝~Union~⋃~UnionPlus~⊎~Uogon~Ų~Uopf~𝕌~UpArrow~↑~UpArrowBar~⤒~UpArrowDownArrow~⇅~UpDownArrow~↕" +
  "~UpEquilibrium~⥮~UpTee~⊥~UpTeeArrow~↥~Uparrow~⇑~Updownarrow~⇕~UpperLeftArrow~↖~UpperRightArrow~↗~Ups" +
  "i~ϒ~Upsilon~Υ~Uring~Ů~Uscr~𝒰~Utilde~Ũ~Uuml~Ü~VDash~⊫~Vbar~⫫~Vcy~В~Vdash~⊩~Vdashl~⫦~Vee~⋁~Verbar~‖~V" +
  "ert~‖~VerticalBar~∣~VerticalLine~|~VerticalSeparator~❘~VerticalTilde~≀~VeryThinSpace~ ~Vfr~𝔙~Vopf~\ud835" +
  "\udd4d~Vscr~𝒱~Vvdash~⊪~Wcirc~Ŵ~Wedge~⋀~Wfr~𝔚~Wopf~𝕎~Wscr~𝒲~Xfr~𝔛~Xi~Ξ~Xopf~𝕏~Xscr~𝒳~YAcy~Я~YIcy~Ї~" +
  "YUcy~Ю~Yacute~Ý~Ycirc~Ŷ~Ycy~Ы~Yfr~𝔜~Yopf~𝕐~Yscr~𝒴~Yuml~Ÿ~ZHcy~Ж~Zacute~Ź~Zcaron~Ž~Zcy~З~Zdot~Ż~Ze" +
  "roWidthSpace~​~Zeta~Ζ~Zfr~ℨ~Zopf~ℤ~Zscr~𝒵~aacute~á~abreve~ă~ac~∾~acE~∾̳~acd~∿~acirc~â~acute~´~acy~а" +
  "~aelig~æ~af~⁡~afr~𝔞~agrave~à~alefsym~ℵ~aleph~ℵ~alpha~α~amacr~ā~amalg~⨿~amp~&~and~∧~andand~⩕~andd~⩜~" +
  "andslope~⩘~andv~⩚~ang~∠~ange~⦤~angle~∠~angmsd~∡~angmsdaa~⦨~angmsdab~⦩~angmsdac~⦪~angmsdad~⦫~angmsdae" +
  "~⦬~angmsdaf~⦭~angmsdag~⦮~angmsdah~⦯~angrt~∟~angrtvb~⊾~angrtvbd~⦝~angsph~∢~angst~Å~angzarr~⍼~aogon~ą~" +
  "aopf~𝕒~ap~≈~apE~⩰~apacir~⩯~ape~≊~apid~≋~apos~'~approx~≈~approxeq~≊~aring~å~ascr~𝒶~ast~*~asymp~≈~as" +
  "ympeq~≍~atilde~ã~auml~ä~awconint~∳~awint~⨑~bNot~⫭~backcong~≌~backepsilon~϶~backprime~‵~backsim~∽~bac" +
  "ksimeq~⋍~barvee~⊽~barwed~⌅~barwedge~⌅~bbrk~⎵~bbrktbrk~⎶~bcong~≌~bcy~б~bdquo~„~becaus~∵~because~∵~bem" +
  "ptyv~⦰~bepsi~϶~bernou~ℬ~beta~β~beth~ℶ~between~≬~bfr~𝔟~bigcap~⋂~bigcirc~◯~bigcup~⋃~bigodot~⨀~bigoplu" +
  "s~⨁~bigotimes~⨂~bigsqcup~⨆~bigstar~★~bigtriangledown~▽~bigtriangleup~△~biguplus~⨄~bigvee~⋁~bigwedge~" +
  "⋀~bkarow~⤍~blacklozenge~⧫~blacksquare~▪~blacktriangle~▴~blacktriangledown~▾~blacktriangleleft~◂~blac" +
  "ktriangleright~▸~blank~␣~blk12~▒~blk14~░~blk34~▓~block~█~bne~=⃥~bnequiv~≡⃥~bnot~⌐~bopf~𝕓~bot~⊥~bott" +
  "om~⊥~bowtie~⋈~boxDL~╗~boxDR~╔~boxDl~╖~boxDr~╓~boxH~═~boxHD~╦~boxHU~╩~boxHd~╤~boxHu~╧~boxUL~╝~boxUR~╚" +
  "~boxUl~╜~boxUr~╙~boxV~║~boxVH~╬~boxVL~╣~boxVR~╠~boxVh~╫~boxVl~╢~boxVr~╟~boxbox~⧉~boxdL~╕~boxdR~╒~box" +
  "dl~┐~boxdr~┌~boxh~─~boxhD~╥~boxhU~╨~boxhd~┬~boxhu~┴~boxminus~⊟~boxplus~⊞~boxtimes~⊠~boxuL~╛~boxuR~╘~" +
  "boxul~┘~boxur~└~boxv~│~boxvH~╪~boxvL~╡~boxvR~╞~boxvh~┼~boxvl~┤~boxvr~├~bprime~‵~breve~˘~brvbar~¦~bsc" +
  "r~𝒷~bsemi~⁏~bsim~∽~bsime~⋍~bsol~\\~bsolb~⧅~bsolhsub~⟈~bull~•~bullet~•~bump~≎~bumpE~⪮~bumpe~≏~bumpeq~" +
  "≏~cacute~ć~cap~∩~capand~⩄~capbrcup~⩉~capcap~⩋~capcup~⩇~capdot~⩀~caps~∩︀~caret~⁁~caron~ˇ~ccaps~⩍~ccar" +
  "on~č~ccedil~ç~ccirc~ĉ~ccups~⩌~ccupssm~⩐~cdot~ċ~cedil~¸~cemptyv~⦲~cent~¢~centerdot~·~cfr~𝔠~chcy~ч~ch" +
  "eck~✓~checkmark~✓~chi~χ~cir~○~cirE~⧃~circ~ˆ~circeq~≗~circlearrowleft~↺~circlearrowright~↻~circledR~®" +
  "~circledS~Ⓢ~circledast~⊛~circledcirc~⊚~circleddash~⊝~cire~≗~cirfnint~⨐~cirmid~⫯~cirscir~⧂~clubs~♣~cl" +
  "ubsuit~♣~colon~:~colone~≔~coloneq~≔~comma~,~commat~@~comp~∁~compfn~∘~complement~∁~complexes~ℂ~cong~≅" +
  "~congdot~⩭~conint~∮~copf~𝕔~coprod~∐~copy~©~copysr~℗~crarr~↵~cross~✗~cscr~𝒸~csub~⫏~csube~⫑~csup~⫐~c" +
  "supe~⫒~ctdot~⋯~cudarrl~⤸~cudarrr~⤵~cuepr~⋞~cuesc~⋟~cularr~↶~cularrp~⤽~cup~∪~cupbrcap~⩈~cupcap~⩆~cupc" +
  "up~⩊~cupdot~⊍~cupor~⩅~cups~∪︀~curarr~↷~curarrm~⤼~curlyeqprec~⋞~curlyeqsucc~⋟~curlyvee~⋎~curlywedge~⋏" +
  "~curren~¤~curvearrowleft~↶~curvearrowright~↷~cuvee~⋎~cuwed~⋏~cwconint~∲~cwint~∱~cylcty~⌭~dArr~⇓~dHar" +
  "~⥥~dagger~†~daleth~ℸ~darr~↓~dash~‐~dashv~⊣~dbkarow~⤏~dblac~˝~dcaron~ď~dcy~д~dd~ⅆ~ddagger~‡~ddarr~⇊~d" +
  "dotseq~⩷~deg~°~delta~δ~demptyv~⦱~dfisht~⥿~dfr~𝔡~dharl~⇃~dharr~⇂~diam~⋄~diamond~⋄~diamondsuit~♦~diam" +
  "s~♦~die~¨~digamma~ϝ~disin~⋲~div~÷~divide~÷~divideontimes~⋇~divonx~⋇~djcy~ђ~dlcorn~⌞~dlcrop~⌍~dollar~" +
  "$~dopf~𝕕~dot~˙~doteq~≐~doteqdot~≑~dotminus~∸~dotplus~∔~dotsquare~⊡~doublebarwedge~⌆~downarrow~↓~dow" +
  "ndownarrows~⇊~downharpoonleft~⇃~downharpoonright~⇂~drbkarow~⤐~drcorn~⌟~drcrop~⌌~dscr~𝒹~dscy~ѕ~dsol~" +
  "⧶~dstrok~đ~dtdot~⋱~dtri~▿~dtrif~▾~duarr~⇵~duhar~⥯~dwangle~⦦~dzcy~џ~dzigrarr~⟿~eDDot~⩷~eDot~≑~eacute~" +
  "é~easter~⩮~ecaron~ě~ecir~≖~ecirc~ê~ecolon~≕~ecy~э~edot~ė~ee~ⅇ~efDot~≒~efr~𝔢~eg~⪚~egrave~è~egs~⪖~egs" +
  "dot~⪘~el~⪙~elinters~⏧~ell~ℓ~els~⪕~elsdot~⪗~emacr~ē~empty~∅~emptyset~∅~emptyv~∅~emsp~ ~emsp13~ ~emsp1" +
  "4~ ~eng~ŋ~ensp~ ~eogon~ę~eopf~𝕖~epar~⋕~eparsl~⧣~eplus~⩱~epsi~ε~epsilon~ε~epsiv~ϵ~eqcirc~≖~eqcolon~≕" +
  "~eqsim~≂~eqslantgtr~⪖~eqslantless~⪕~equals~=~equest~≟~equiv~≡~equivDD~⩸~eqvparsl~⧥~erDot~≓~erarr~⥱~e" +
  "scr~ℯ~esdot~≐~esim~≂~eta~η~eth~ð~euml~ë~euro~€~excl~!~exist~∃~expectation~ℰ~exponentiale~ⅇ~fallingdo" +
  "tseq~≒~fcy~ф~female~♀~ffilig~ﬃ~fflig~ﬀ~ffllig~ﬄ~ffr~𝔣~filig~ﬁ~fjlig~fj~flat~♭~fllig~ﬂ~fltns~▱~fnof~" +
  "ƒ~fopf~𝕗~forall~∀~fork~⋔~forkv~⫙~fpartint~⨍~frac12~½~frac13~⅓~frac14~¼~frac15~⅕~frac16~⅙~frac18~⅛~f" +
  "rac23~⅔~frac25~⅖~frac34~¾~frac35~⅗~frac38~⅜~frac45~⅘~frac56~⅚~frac58~⅝~frac78~⅞~frasl~⁄~frown~⌢~fscr" +
  "~𝒻~gE~≧~gEl~⪌~gacute~ǵ~gamma~γ~gammad~ϝ~gap~⪆~gbreve~ğ~gcirc~ĝ~gcy~г~gdot~ġ~ge~≥~gel~⋛~geq~≥~geqq~≧" +
  "~geqslant~⩾~ges~⩾~gescc~⪩~gesdot~⪀~gesdoto~⪂~gesdotol~⪄~gesl~⋛︀~gesles~⪔~gfr~𝔤~gg~≫~ggg~⋙~gimel~ℷ~g" +
  "jcy~ѓ~gl~≷~glE~⪒~gla~⪥~glj~⪤~gnE~≩~gnap~⪊~gnapprox~⪊~gne~⪈~gneq~⪈~gneqq~≩~gnsim~⋧~gopf~𝕘~grave~`~gs" +
  "cr~ℊ~gsim~≳~gsime~⪎~gsiml~⪐~gt~>~gtcc~⪧~gtcir~⩺~gtdot~⋗~gtlPar~⦕~gtquest~⩼~gtrapprox~⪆~gtrarr~⥸~gtrd" +
  "ot~⋗~gtreqless~⋛~gtreqqless~⪌~gtrless~≷~gtrsim~≳~gvertneqq~≩︀~gvnE~≩︀~hArr~⇔~hairsp~ ~half~½~hamilt~" +
  "ℋ~hardcy~ъ~harr~↔~harrcir~⥈~harrw~↭~hbar~ℏ~hcirc~ĥ~hearts~♥~heartsuit~♥~hellip~…~hercon~⊹~hfr~𝔥~hks" +
  "earow~⤥~hkswarow~⤦~hoarr~⇿~homtht~∻~hookleftarrow~↩~hookrightarrow~↪~hopf~𝕙~horbar~―~hscr~𝒽~hslash" +
  "~ℏ~hstrok~ħ~hybull~⁃~hyphen~‐~iacute~í~ic~⁣~icirc~î~icy~и~iecy~е~iexcl~¡~iff~⇔~ifr~𝔦~igrave~ì~ii~ⅈ~" +
  "iiiint~⨌~iiint~∭~iinfin~⧜~iiota~℩~ijlig~ĳ~imacr~ī~image~ℑ~imagline~ℐ~imagpart~ℑ~imath~ı~imof~⊷~imped" +
  "~Ƶ~in~∈~incare~℅~infin~∞~infintie~⧝~inodot~ı~int~∫~intcal~⊺~integers~ℤ~intercal~⊺~intlarhk~⨗~intprod" +
  "~⨼~iocy~ё~iogon~į~iopf~𝕚~iota~ι~iprod~⨼~iquest~¿~iscr~𝒾~isin~∈~isinE~⋹~isindot~⋵~isins~⋴~isinsv~⋳~" +
  "isinv~∈~it~⁢~itilde~ĩ~iukcy~і~iuml~ï~jcirc~ĵ~jcy~й~jfr~𝔧~jmath~ȷ~jopf~𝕛~jscr~𝒿~jsercy~ј~jukcy~є~k" +
  "appa~κ~kappav~ϰ~kcedil~ķ~kcy~к~kfr~𝔨~kgreen~ĸ~khcy~х~kjcy~ќ~kopf~𝕜~kscr~𝓀~lAarr~⇚~lArr~⇐~lAtail~⤛" +
  "~lBarr~⤎~lE~≦~lEg~⪋~lHar~⥢~lacute~ĺ~laemptyv~⦴~lagran~ℒ~lambda~λ~lang~〈~langd~⦑~langle~⟨~lap~⪅~laquo" +
  "~«~larr~←~larrb~⇤~larrbfs~⤟~larrfs~⤝~larrhk~↩~larrlp~↫~larrpl~⤹~larrsim~⥳~larrtl~↢~lat~⪫~latail~⤙~la" +
  "te~⪭~lates~⪭︀~lbarr~⤌~lbbrk~❲~lbrace~{~lbrack~[~lbrke~⦋~lbrksld~⦏~lbrkslu~⦍~lcaron~ľ~lcedil~ļ~lceil~" +
  "⌈~lcub~{~lcy~л~ldca~⤶~ldquo~“~ldquor~„~ldrdhar~⥧~ldrushar~⥋~ldsh~↲~le~≤~leftarrow~←~leftarrowtail~↢~" +
  "leftharpoondown~↽~leftharpoonup~↼~leftleftarrows~⇇~leftrightarrow~↔~leftrightarrows~⇆~leftrightharpo" +
  "ons~⇋~leftrightsquigarrow~↭~leftthreetimes~⋋~leg~⋚~leq~≤~leqq~≦~leqslant~⩽~les~⩽~lescc~⪨~lesdot~⩿~le" +
  "sdoto~⪁~lesdotor~⪃~lesg~⋚︀~lesges~⪓~lessapprox~⪅~lessdot~⋖~lesseqgtr~⋚~lesseqqgtr~⪋~lessgtr~≶~lesssi" +
  "m~≲~lfisht~⥼~lfloor~⌊~lfr~𝔩~lg~≶~lgE~⪑~lhard~↽~lharu~↼~lharul~⥪~lhblk~▄~ljcy~љ~ll~≪~llarr~⇇~llcorne" +
  "r~⌞~llhard~⥫~lltri~◺~lmidot~ŀ~lmoust~⎰~lmoustache~⎰~lnE~≨~lnap~⪉~lnapprox~⪉~lne~⪇~lneq~⪇~lneqq~≨~lns" +
  "im~⋦~loang~⟬~loarr~⇽~lobrk~⟦~longleftarrow~⟵~longleftrightarrow~⟷~longmapsto~⟼~longrightarrow~⟶~loop" +
  "arrowleft~↫~looparrowright~↬~lopar~⦅~lopf~𝕝~loplus~⨭~lotimes~⨴~lowast~∗~lowbar~_~loz~◊~lozenge~◊~lo" +
  "zf~⧫~lpar~(~lparlt~⦓~lrarr~⇆~lrcorner~⌟~lrhar~⇋~lrhard~⥭~lrm~‎~lrtri~⊿~lsaquo~‹~lscr~𝓁~lsh~↰~lsim~≲" +
  "~lsime~⪍~lsimg~⪏~lsqb~[~lsquo~‘~lsquor~‚~lstrok~ł~lt~<~ltcc~⪦~ltcir~⩹~ltdot~⋖~lthree~⋋~ltimes~⋉~ltla" +
  "rr~⥶~ltquest~⩻~ltrPar~⦖~ltri~◃~ltrie~⊴~ltrif~◂~lurdshar~⥊~luruhar~⥦~lvertneqq~≨︀~lvnE~≨︀~mDDot~∺~mac" +
  "r~¯~male~♂~malt~✠~maltese~✠~map~↦~mapsto~↦~mapstodown~↧~mapstoleft~↤~mapstoup~↥~marker~▮~mcomma~⨩~mc" +
  "y~м~mdash~—~measuredangle~∡~mfr~𝔪~mho~℧~micro~µ~mid~∣~midast~*~midcir~⫰~middot~·~minus~−~minusb~⊟~m" +
  "inusd~∸~minusdu~⨪~mlcp~⫛~mldr~…~mnplus~∓~models~⊧~mopf~𝕞~mp~∓~mscr~𝓂~mstpos~∾~mu~μ~multimap~⊸~muma" +
  "p~⊸~nGg~⋙̸~nGt~≫⃒~nGtv~≫̸~nLeftarrow~⇍~nLeftrightarrow~⇎~nLl~⋘̸~nLt~≪⃒~nLtv~≪̸~nRightarrow~⇏~nVDash~" +
  "⊯~nVdash~⊮~nabla~∇~nacute~ń~nang~∠⃒~nap~≉~napE~⩰̸~napid~≋̸~napos~ŉ~napprox~≉~natur~♮~natural~♮~natur" +
  "als~ℕ~nbsp~ ~nbump~≎̸~nbumpe~≏̸~ncap~⩃~ncaron~ň~ncedil~ņ~ncong~≇~ncongdot~⩭̸~ncup~⩂~ncy~н~ndash~–~ne" +
  "~≠~neArr~⇗~nearhk~⤤~nearr~↗~nearrow~↗~nedot~≐̸~nequiv~≢~nesear~⤨~nesim~≂̸~nexist~∄~nexists~∄~nfr~𝔫~" +
  "ngE~≧̸~nge~≱~ngeq~≱~ngeqq~≧̸~ngeqslant~⩾̸~nges~⩾̸~ngsim~≵~ngt~≯~ngtr~≯~nhArr~⇎~nharr~↮~nhpar~⫲~ni~∋~" +
  "nis~⋼~nisd~⋺~niv~∋~njcy~њ~nlArr~⇍~nlE~≦̸~nlarr~↚~nldr~‥~nle~≰~nleftarrow~↚~nleftrightarrow~↮~nleq~≰~" +
  "nleqq~≦̸~nleqslant~⩽̸~nles~⩽̸~nless~≮~nlsim~≴~nlt~≮~nltri~⋪~nltrie~⋬~nmid~∤~nopf~𝕟~not~¬~notin~∉~no" +
  "tinE~⋹̸~notindot~⋵̸~notinva~∉~notinvb~⋷~notinvc~⋶~notni~∌~notniva~∌~notnivb~⋾~notnivc~⋽~npar~∦~npara" +
  "llel~∦~nparsl~⫽⃥~npart~∂̸~npolint~⨔~npr~⊀~nprcue~⋠~npre~⪯̸~nprec~⊀~npreceq~⪯̸~nrArr~⇏~nrarr~↛~nrarrc" +
  "~⤳̸~nrarrw~↝̸~nrightarrow~↛~nrtri~⋫~nrtrie~⋭~nsc~⊁~nsccue~⋡~nsce~⪰̸~nscr~𝓃~nshortmid~∤~nshortparall" +
  "el~∦~nsim~≁~nsime~≄~nsimeq~≄~nsmid~∤~nspar~∦~nsqsube~⋢~nsqsupe~⋣~nsub~⊄~nsubE~⫅̸~nsube~⊈~nsubset~⊂⃒~" +
  "nsubseteq~⊈~nsubseteqq~⫅̸~nsucc~⊁~nsucceq~⪰̸~nsup~⊅~nsupE~⫆̸~nsupe~⊉~nsupset~⊃⃒~nsupseteq~⊉~nsupsete" +
  "qq~⫆̸~ntgl~≹~ntilde~ñ~ntlg~≸~ntriangleleft~⋪~ntrianglelefteq~⋬~ntriangleright~⋫~ntrianglerighteq~⋭~n" +
  "u~ν~num~#~numero~№~numsp~ ~nvDash~⊭~nvHarr~⤄~nvap~≍⃒~nvdash~⊬~nvge~≥⃒~nvgt~>⃒~nvinfin~⧞~nvlArr~⤂~nvl" +
  "e~≤⃒~nvlt~<⃒~nvltrie~⊴⃒~nvrArr~⤃~nvrtrie~⊵⃒~nvsim~∼⃒~nwArr~⇖~nwarhk~⤣~nwarr~↖~nwarrow~↖~nwnear~⤧~oS~" +
  "Ⓢ~oacute~ó~oast~⊛~ocir~⊚~ocirc~ô~ocy~о~odash~⊝~odblac~ő~odiv~⨸~odot~⊙~odsold~⦼~oelig~œ~ofcir~⦿~ofr~\ud835" +
  "\udd2c~ogon~˛~ograve~ò~ogt~⧁~ohbar~⦵~ohm~Ω~oint~∮~olarr~↺~olcir~⦾~olcross~⦻~oline~‾~olt~⧀~omacr~ō~omega~ω" +
  "~omicron~ο~omid~⦶~ominus~⊖~oopf~𝕠~opar~⦷~operp~⦹~oplus~⊕~or~∨~orarr~↻~ord~⩝~order~ℴ~orderof~ℴ~ordf~" +
  "ª~ordm~º~origof~⊶~oror~⩖~orslope~⩗~orv~⩛~oscr~ℴ~oslash~ø~osol~⊘~otilde~õ~otimes~⊗~otimesas~⨶~ouml~ö~" +
  "ovbar~⌽~par~∥~para~¶~parallel~∥~parsim~⫳~parsl~⫽~part~∂~pcy~п~percnt~%~period~.~permil~‰~perp~⊥~pert" +
  "enk~‱~pfr~𝔭~phi~φ~phiv~ϕ~phmmat~ℳ~phone~☎~pi~π~pitchfork~⋔~piv~ϖ~planck~ℏ~planckh~ℎ~plankv~ℏ~plus~+" +
  "~plusacir~⨣~plusb~⊞~pluscir~⨢~plusdo~∔~plusdu~⨥~pluse~⩲~plusmn~±~plussim~⨦~plustwo~⨧~pm~±~pointint~⨕" +
  "~popf~𝕡~pound~£~pr~≺~prE~⪳~prap~⪷~prcue~≼~pre~⪯~prec~≺~precapprox~⪷~preccurlyeq~≼~preceq~⪯~precnapp" +
  "rox~⪹~precneqq~⪵~precnsim~⋨~precsim~≾~prime~′~primes~ℙ~prnE~⪵~prnap~⪹~prnsim~⋨~prod~∏~profalar~⌮~pro" +
  "fline~⌒~profsurf~⌓~prop~∝~propto~∝~prsim~≾~prurel~⊰~pscr~𝓅~psi~ψ~puncsp~ ~qfr~𝔮~qint~⨌~qopf~𝕢~qpr" +
  "ime~⁗~qscr~𝓆~quaternions~ℍ~quatint~⨖~quest~?~questeq~≟~quot~\"~rAarr~⇛~rArr~⇒~rAtail~⤜~rBarr~⤏~rHar~" +
  "⥤~race~∽̱~racute~ŕ~radic~√~raemptyv~⦳~rang~〉~rangd~⦒~range~⦥~rangle~⟩~raquo~»~rarr~→~rarrap~⥵~rarrb~" +
  "⇥~rarrbfs~⤠~rarrc~⤳~rarrfs~⤞~rarrhk~↪~rarrlp~↬~rarrpl~⥅~rarrsim~⥴~rarrtl~↣~rarrw~↝~ratail~⤚~ratio~∶~" +
  "rationals~ℚ~rbarr~⤍~rbbrk~❳~rbrace~}~rbrack~]~rbrke~⦌~rbrksld~⦎~rbrkslu~⦐~rcaron~ř~rcedil~ŗ~rceil~⌉~" +
  "rcub~}~rcy~р~rdca~⤷~rdldhar~⥩~rdquo~”~rdquor~”~rdsh~↳~real~ℜ~realine~ℛ~realpart~ℜ~reals~ℝ~rect~▭~reg" +
  "~®~rfisht~⥽~rfloor~⌋~rfr~𝔯~rhard~⇁~rharu~⇀~rharul~⥬~rho~ρ~rhov~ϱ~rightarrow~→~rightarrowtail~↣~righ" +
  "tharpoondown~⇁~rightharpoonup~⇀~rightleftarrows~⇄~rightleftharpoons~⇌~rightrightarrows~⇉~rightsquiga" +
  "rrow~↝~rightthreetimes~⋌~ring~˚~risingdotseq~≓~rlarr~⇄~rlhar~⇌~rlm~‏~rmoust~⎱~rmoustache~⎱~rnmid~⫮~r" +
  "oang~⟭~roarr~⇾~robrk~⟧~ropar~⦆~ropf~𝕣~roplus~⨮~rotimes~⨵~rpar~)~rpargt~⦔~rppolint~⨒~rrarr~⇉~rsaquo~" +
  "›~rscr~𝓇~rsh~↱~rsqb~]~rsquo~’~rsquor~’~rthree~⋌~rtimes~⋊~rtri~▹~rtrie~⊵~rtrif~▸~rtriltri~⧎~ruluhar~" +
  "⥨~rx~℞~sacute~ś~sbquo~‚~sc~≻~scE~⪴~scap~⪸~scaron~š~sccue~≽~sce~⪰~scedil~ş~scirc~ŝ~scnE~⪶~scnap~⪺~scn" +
  "sim~⋩~scpolint~⨓~scsim~≿~scy~с~sdot~⋅~sdotb~⊡~sdote~⩦~seArr~⇘~searhk~⤥~searr~↘~searrow~↘~sect~§~semi" +
  "~;~seswar~⤩~setminus~∖~setmn~∖~sext~✶~sfr~𝔰~sfrown~⌢~sharp~♯~shchcy~щ~shcy~ш~shortmid~∣~shortparall" +
  "el~∥~shy~­~sigma~σ~sigmaf~ς~sigmav~ς~sim~∼~simdot~⩪~sime~≃~simeq~≃~simg~⪞~simgE~⪠~siml~⪝~simlE~⪟~sim" +
  "ne~≆~simplus~⨤~simrarr~⥲~slarr~←~smallsetminus~∖~smashp~⨳~smeparsl~⧤~smid~∣~smile~⌣~smt~⪪~smte~⪬~smt" +
  "es~⪬︀~softcy~ь~sol~/~solb~⧄~solbar~⌿~sopf~𝕤~spades~♠~spadesuit~♠~spar~∥~sqcap~⊓~sqcaps~⊓︀~sqcup~⊔~s" +
  "qcups~⊔︀~sqsub~⊏~sqsube~⊑~sqsubset~⊏~sqsubseteq~⊑~sqsup~⊐~sqsupe~⊒~sqsupset~⊐~sqsupseteq~⊒~squ~□~squ" +
  "are~□~squarf~▪~squf~▪~srarr~→~sscr~𝓈~ssetmn~∖~ssmile~⌣~sstarf~⋆~star~☆~starf~★~straightepsilon~ϵ~st" +
  "raightphi~ϕ~strns~¯~sub~⊂~subE~⫅~subdot~⪽~sube~⊆~subedot~⫃~submult~⫁~subnE~⫋~subne~⊊~subplus~⪿~subra" +
  "rr~⥹~subset~⊂~subseteq~⊆~subseteqq~⫅~subsetneq~⊊~subsetneqq~⫋~subsim~⫇~subsub~⫕~subsup~⫓~succ~≻~succ" +
  "approx~⪸~succcurlyeq~≽~succeq~⪰~succnapprox~⪺~succneqq~⪶~succnsim~⋩~succsim~≿~sum~∑~sung~♪~sup~⊃~sup" +
  "1~¹~sup2~²~sup3~³~supE~⫆~supdot~⪾~supdsub~⫘~supe~⊇~supedot~⫄~suphsol~⟉~suphsub~⫗~suplarr~⥻~supmult~⫂" +
  "~supnE~⫌~supne~⊋~supplus~⫀~supset~⊃~supseteq~⊇~supseteqq~⫆~supsetneq~⊋~supsetneqq~⫌~supsim~⫈~supsub~" +
  "⫔~supsup~⫖~swArr~⇙~swarhk~⤦~swarr~↙~swarrow~↙~swnwar~⤪~szlig~ß~target~⌖~tau~τ~tbrk~⎴~tcaron~ť~tcedil" +
  "~ţ~tcy~т~tdot~⃛~telrec~⌕~tfr~𝔱~there4~∴~therefore~∴~theta~θ~thetasym~ϑ~thetav~ϑ~thickapprox~≈~thick" +
  "sim~∼~thinsp~ ~thkap~≈~thksim~∼~thorn~þ~tilde~˜~times~×~timesb~⊠~timesbar~⨱~timesd~⨰~tint~∭~toea~⤨~t" +
  "op~⊤~topbot~⌶~topcir~⫱~topf~𝕥~topfork~⫚~tosa~⤩~tprime~‴~trade~™~triangle~▵~triangledown~▿~trianglel" +
  "eft~◃~trianglelefteq~⊴~triangleq~≜~triangleright~▹~trianglerighteq~⊵~tridot~◬~trie~≜~triminus~⨺~trip" +
  "lus~⨹~trisb~⧍~tritime~⨻~trpezium~⏢~tscr~𝓉~tscy~ц~tshcy~ћ~tstrok~ŧ~twixt~≬~twoheadleftarrow~↞~twohea" +
  "drightarrow~↠~uArr~⇑~uHar~⥣~uacute~ú~uarr~↑~ubrcy~ў~ubreve~ŭ~ucirc~û~ucy~у~udarr~⇅~udblac~ű~udhar~⥮~" +
  "ufisht~⥾~ufr~𝔲~ugrave~ù~uharl~↿~uharr~↾~uhblk~▀~ulcorn~⌜~ulcorner~⌜~ulcrop~⌏~ultri~◸~umacr~ū~uml~¨~" +
  "uogon~ų~uopf~𝕦~uparrow~↑~updownarrow~↕~upharpoonleft~↿~upharpoonright~↾~uplus~⊎~upsi~υ~upsih~ϒ~upsi" +
  "lon~υ~upuparrows~⇈~urcorn~⌝~urcorner~⌝~urcrop~⌎~uring~ů~urtri~◹~uscr~𝓊~utdot~⋰~utilde~ũ~utri~▵~utri" +
  "f~▴~uuarr~⇈~uuml~ü~uwangle~⦧~vArr~⇕~vBar~⫨~vBarv~⫩~vDash~⊨~vangrt~⦜~varepsilon~ϵ~varkappa~ϰ~varnothi" +
  "ng~∅~varphi~ϕ~varpi~ϖ~varpropto~∝~varr~↕~varrho~ϱ~varsigma~ς~varsubsetneq~⊊︀~varsubsetneqq~⫋︀~varsup" +
  "setneq~⊋︀~varsupsetneqq~⫌︀~vartheta~ϑ~vartriangleleft~⊲~vartriangleright~⊳~vcy~в~vdash~⊢~vee~∨~veeba" +
  "r~⊻~veeeq~≚~vellip~⋮~verbar~|~vert~|~vfr~𝔳~vltri~⊲~vnsub~⊂⃒~vnsup~⊃⃒~vopf~𝕧~vprop~∝~vrtri~⊳~vscr~\ud835" +
  "\udccb~vsubnE~⫋︀~vsubne~⊊︀~vsupnE~⫌︀~vsupne~⊋︀~vzigzag~⦚~wcirc~ŵ~wedbar~⩟~wedge~∧~wedgeq~≙~weierp~℘~wfr~\ud835" +
  "\udd34~wopf~𝕨~wp~℘~wr~≀~wreath~≀~wscr~𝓌~xcap~⋂~xcirc~◯~xcup~⋃~xdtri~▽~xfr~𝔵~xhArr~⟺~xharr~⟷~xi~ξ~xlArr" +
  "~⟸~xlarr~⟵~xmap~⟼~xnis~⋻~xodot~⨀~xopf~𝕩~xoplus~⨁~xotime~⨂~xrArr~⟹~xrarr~⟶~xscr~𝓍~xsqcup~⨆~xuplus~⨄" +
  "~xutri~△~xvee~⋁~xwedge~⋀~yacute~ý~yacy~я~ycirc~ŷ~ycy~ы~yen~¥~yfr~𝔶~yicy~ї~yopf~𝕪~yscr~𝓎~yucy~ю~yu" +
  "ml~ÿ~zacute~ź~zcaron~ž~zcy~з~zdot~ż~zeetrf~ℨ~zeta~ζ~zfr~𝔷~zhcy~ж~zigrarr~⇝~zopf~𝕫~zscr~𝓏~zwj~‍~zw" +
  "nj~‌";

let map: Map<string, string> | null = null;

/** Returns the character(s) a named HTML entity stands for (name without & and ;), or undefined. */
export function namedEntity(name: string): string | undefined {
  if (map === null) {
    map = new Map();
    const parts = TABLE.split('~');
    for (let i = 0; i + 1 < parts.length; i += 2) map.set(parts[i]!, parts[i + 1]!);
  }
  return map.get(name);
}
